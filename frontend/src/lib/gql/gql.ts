/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...UserRow_user\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.UsersDocument,
    "\n  mutation AddUser($input: AddUserInput!) {\n    addUser(input: $input) {\n      id\n      email\n      role\n    }\n  }\n": typeof types.AddUserDocument,
    "\n  mutation SetUserRole($userId: ID!, $role: Role!) {\n    setUserRole(userId: $userId, role: $role) {\n      id\n      email\n      role\n    }\n  }\n": typeof types.SetUserRoleDocument,
    "\n  mutation RemoveUser($userId: ID!) {\n    removeUser(userId: $userId)\n  }\n": typeof types.RemoveUserDocument,
    "\n  fragment UserRow_user on User {\n    id\n    email\n    displayName\n    role\n    mfaEnabled\n    createdAt\n  }\n": typeof types.UserRow_UserFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      id\n      ...ApiKeyRow_apiKey\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        ...ApiKeyRow_apiKey\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      ...ApiKeyRow_apiKey\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  fragment ApiKeyRow_apiKey on ApiKey {\n    id\n    name\n    prefix\n    role\n    createdAt\n    expiresAt\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyRow_ApiKeyFragmentDoc,
    "\n  query AuditLog($filter: AuditFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...AuditRow_entry\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  query VerifyAuditLog {\n    verifyAuditLog {\n      ok\n      checked\n      firstBadId\n      reason\n    }\n  }\n": typeof types.VerifyAuditLogDocument,
    "\n  fragment AuditRow_entry on AuditEntry {\n    id\n    at\n    actorType\n    actorId\n    actorLabel\n    ip\n    action\n    targetType\n    targetId\n    details\n    hash\n  }\n": typeof types.AuditRow_EntryFragmentDoc,
    "\n  mutation Login($email: String!, $password: String!, $tenant: String) {\n    login(email: $email, password: $password, tenant: $tenant) {\n      session {\n        ...SessionFields\n      }\n      mfaToken\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation VerifyMfa($mfaToken: String!, $code: String!) {\n    verifyMfa(mfaToken: $mfaToken, code: $code) {\n      ...SessionFields\n    }\n  }\n": typeof types.VerifyMfaDocument,
    "\n  query SsoLogin($tenant: String!) {\n    ssoLogin(tenant: $tenant) {\n      enabled\n      loginUrl\n    }\n  }\n": typeof types.SsoLoginDocument,
    "\n  mutation CompleteSsoLogin($code: String!) {\n    completeSsoLogin(code: $code) {\n      ...SessionFields\n    }\n  }\n": typeof types.CompleteSsoLoginDocument,
    "\n  query Events($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          severity\n          host\n          message\n          ...EventRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.EventsDocument,
    "\n  subscription EventIngested {\n    eventIngested {\n      id\n      severity\n      host\n      message\n      ...EventRow_event\n    }\n  }\n": typeof types.EventIngestedDocument,
    "\n  fragment EventRow_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    message\n    user\n    srcIp\n    dstIp\n    action\n    bronzeId\n  }\n": typeof types.EventRow_EventFragmentDoc,
    "\n  query ExplorerEvents($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      totalCountExact\n      edges {\n        cursor\n        node {\n          id\n          ...ExplorerRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ExplorerEventsDocument,
    "\n  query ExplorerFacets($filter: EventFilter, $fields: [FacetField!]!, $limit: Int) {\n    eventFacets(filter: $filter, fields: $fields, limit: $limit) {\n      ...FacetSidebar_facets\n    }\n  }\n": typeof types.ExplorerFacetsDocument,
    "\n  query EventDetail($id: ID!) {\n    event(id: $id) {\n      id\n      ...EventDetail_event\n    }\n  }\n": typeof types.EventDetailDocument,
    "\n  fragment EventDetail_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    severityId\n    message\n    user\n    srcIp\n    dstIp\n    srcPort\n    dstPort\n    srcHostname\n    dstHostname\n    action\n    classUid\n    className\n    categoryUid\n    categoryName\n    activityId\n    activityName\n    status\n    device\n    vendorEventId\n    database {\n      name\n      statement\n      object\n      rows\n    }\n    finding {\n      uid\n      title\n    }\n    srcGeo {\n      ...EventDetail_geo\n    }\n    dstGeo {\n      ...EventDetail_geo\n    }\n    threatMatches {\n      field\n      type\n      value\n      source\n      confidence\n      labels\n    }\n    userContext {\n      department\n      title\n      privileged\n      manager\n    }\n    riskScore\n    quality\n    qualityFlags\n    warnings\n    dupCount\n    lastSeenAt\n    bronzeId\n    bronze {\n      id\n      receivedAt\n      kind\n      source\n      sourcetype\n      host\n      payload\n      contentHash\n      status\n      error\n    }\n  }\n": typeof types.EventDetail_EventFragmentDoc,
    "\n  fragment EventDetail_geo on Geo {\n    country\n    city\n    lat\n    lon\n    asn\n    asOrg\n  }\n": typeof types.EventDetail_GeoFragmentDoc,
    "\n  fragment ExplorerRow_event on SecurityEvent {\n    id\n    time\n    severity\n    classUid\n    className\n    message\n    srcIp\n    srcPort\n    dstIp\n    dstPort\n    user\n    riskScore\n    quality\n    dupCount\n    threatMatches {\n      value\n    }\n  }\n": typeof types.ExplorerRow_EventFragmentDoc,
    "\n  fragment FacetSidebar_facets on EventFacets {\n    total\n    approximate\n    facets {\n      field\n      values {\n        value\n        count\n      }\n    }\n  }\n": typeof types.FacetSidebar_FacetsFragmentDoc,
    "\n  mutation CreateGatherEnrollmentToken($name: String!, $expiresInHours: Int) {\n    createGatherEnrollmentToken(name: $name, expiresInHours: $expiresInHours) {\n      id\n      name\n      token\n      expiresAt\n      caFingerprint\n      caCertificate\n    }\n  }\n": typeof types.CreateGatherEnrollmentTokenDocument,
    "\n  query GatherNodes($first: Int!, $after: String) {\n    gatherNodes(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...GatherNodeRow_node\n          ...GatherMap_node\n          ...GatherDatabases_node\n          ...GatherNodeDrawer_node\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.GatherNodesDocument,
    "\n  mutation RevokeGatherNode($id: ID!) {\n    revokeGatherNode(id: $id) {\n      id\n      ...GatherNodeRow_node\n      ...GatherMap_node\n      ...GatherDatabases_node\n      ...GatherNodeDrawer_node\n    }\n  }\n": typeof types.RevokeGatherNodeDocument,
    "\n  query GatherImports($status: GatherImportStatus, $first: Int!, $after: String) {\n    gatherImports(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          nodeId\n          ...GatherImportRow_import\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.GatherImportsDocument,
    "\n  query GatherImportNodes {\n    gatherNodes(first: 500) {\n      edges {\n        node {\n          id\n          name\n          hostname\n        }\n      }\n    }\n  }\n": typeof types.GatherImportNodesDocument,
    "\n  mutation RetryGatherImport($id: ID!) {\n    retryGatherImport(id: $id) {\n      id\n      nodeId\n      ...GatherImportRow_import\n    }\n  }\n": typeof types.RetryGatherImportDocument,
    "\n  fragment GatherDatabases_node on GatherNode {\n    id\n    name\n    hostname\n    databases {\n      engine\n      version\n      name\n      host\n      port\n      lastSeen\n      majorVersion\n      latestVersion\n      patchStatus\n      endOfLife\n      releasesAsOf\n    }\n  }\n": typeof types.GatherDatabases_NodeFragmentDoc,
    "\n  fragment GatherImportRow_import on GatherImport {\n    id\n    nodeId\n    manifestKey\n    fileKey\n    status\n    error\n    foundBy\n    attempts\n    rows\n    bytes\n    minTime\n    maxTime\n    source\n    engine\n    importedRows\n    createdAt\n    updatedAt\n    doneAt\n  }\n": typeof types.GatherImportRow_ImportFragmentDoc,
    "\n  fragment GatherMap_node on GatherNode {\n    id\n    name\n    hostname\n    status\n    lastHeartbeatAt\n    location {\n      lat\n      lon\n      label\n    }\n  }\n": typeof types.GatherMap_NodeFragmentDoc,
    "\n  fragment GatherNodeRow_node on GatherNode {\n    id\n    name\n    status\n    hostname\n    version\n    os\n    ips\n    lastHeartbeatAt\n    spoolFiles\n    spoolBytes\n    collectors {\n      name\n      status\n      error\n    }\n  }\n": typeof types.GatherNodeRow_NodeFragmentDoc,
    "\n  fragment GatherNodeDrawer_node on GatherNode {\n    id\n    name\n    status\n    hostname\n    version\n    os\n    ips\n    enrolledAt\n    lastHeartbeatAt\n    heartbeatIntervalSeconds\n    certificateExpiresAt\n    revokedAt\n    location {\n      lat\n      lon\n      label\n    }\n    spoolFiles\n    spoolBytes\n    collectors {\n      name\n      type\n      status\n      error\n      position\n    }\n    databases {\n      engine\n      version\n      name\n      patchStatus\n    }\n  }\n": typeof types.GatherNodeDrawer_NodeFragmentDoc,
    "\n  query HecTokens {\n    hecTokens {\n      id\n      ...HecTokenRow_hecToken\n    }\n  }\n": typeof types.HecTokensDocument,
    "\n  mutation CreateHecToken($input: CreateHecTokenInput!) {\n    createHecToken(input: $input) {\n      secret\n      hecToken {\n        id\n        name\n        source\n        sourcetype\n        ...HecTokenRow_hecToken\n      }\n    }\n  }\n": typeof types.CreateHecTokenDocument,
    "\n  mutation RevokeHecToken($id: ID!) {\n    revokeHecToken(id: $id) {\n      id\n      ...HecTokenRow_hecToken\n    }\n  }\n": typeof types.RevokeHecTokenDocument,
    "\n  fragment HecTokenRow_hecToken on HecToken {\n    id\n    name\n    prefix\n    source\n    sourcetype\n    createdAt\n    revokedAt\n  }\n": typeof types.HecTokenRow_HecTokenFragmentDoc,
    "\n  mutation BeginMfaEnrollment {\n    beginMfaEnrollment {\n      ...AuthenticatorSetup_enrollment\n    }\n  }\n": typeof types.BeginMfaEnrollmentDocument,
    "\n  mutation ConfirmMfaEnrollment($code: String!) {\n    confirmMfaEnrollment(code: $code) {\n      recoveryCodes\n      session {\n        ...SessionFields\n      }\n    }\n  }\n": typeof types.ConfirmMfaEnrollmentDocument,
    "\n  fragment AuthenticatorSetup_enrollment on MfaEnrollment {\n    secret\n    uri\n    qrCode\n  }\n": typeof types.AuthenticatorSetup_EnrollmentFragmentDoc,
    "\n  query Overview($from: Timestamp!, $to: Timestamp!, $interval: Interval!) {\n    metrics(from: $from, to: $to) {\n      events\n      threats\n      criticalAlerts\n      duplicates\n      bySeverity {\n        value\n        count\n      }\n      byClass {\n        value\n        count\n      }\n      bySource {\n        value\n        count\n      }\n      topTalkers {\n        value\n        count\n      }\n      topUsers {\n        value\n        count\n      }\n      topCountries {\n        value\n        count\n      }\n    }\n    eventsBySeverity: timeseries(metric: EVENTS, from: $from, to: $to, interval: $interval, groupBy: SEVERITY) {\n      timestamp\n      value\n      group\n    }\n    threats: timeseries(metric: THREATS, from: $from, to: $to, interval: $interval) {\n      timestamp\n      value\n    }\n  }\n": typeof types.OverviewDocument,
    "\n  query RiskiestUsers($first: Int!) {\n    userRiskProfiles(first: $first) {\n      edges {\n        cursor\n        node {\n          user\n          riskScore\n          events\n          failures\n          threatMatches\n          highSeverity\n          privileged\n          lastSeen\n        }\n      }\n    }\n  }\n": typeof types.RiskiestUsersDocument,
    "\n  query Quarantine($first: Int!, $after: String) {\n    quarantine(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...QuarantineRow_record\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.QuarantineDocument,
    "\n  mutation ReprocessQuarantine($ids: [ID!]) {\n    reprocessQuarantine(ids: $ids)\n  }\n": typeof types.ReprocessQuarantineDocument,
    "\n  fragment QuarantineRow_record on QuarantinedRecord {\n    id\n    bronzeId\n    stage\n    reason\n    quarantinedAt\n    receivedAt\n    kind\n    source\n    sourcetype\n    host\n    payload\n  }\n": typeof types.QuarantineRow_RecordFragmentDoc,
    "\n  mutation Reprocess($from: Timestamp!, $to: Timestamp!) {\n    reprocess(from: $from, to: $to) {\n      queued\n      removed\n    }\n  }\n": typeof types.ReprocessDocument,
    "\n  query RetentionPolicy {\n    retentionPolicy {\n      bronzeDays\n      silverDays\n      goldDays\n      custom\n    }\n  }\n": typeof types.RetentionPolicyDocument,
    "\n  query RetentionPreview($policy: RetentionPolicyInput) {\n    retentionPreview(policy: $policy) {\n      layers {\n        layer\n        cutoff\n        rows\n        partitions\n      }\n    }\n  }\n": typeof types.RetentionPreviewDocument,
    "\n  mutation SetRetentionPolicy($input: RetentionPolicyInput!) {\n    setRetentionPolicy(input: $input) {\n      bronzeDays\n      silverDays\n      goldDays\n      custom\n    }\n  }\n": typeof types.SetRetentionPolicyDocument,
    "\n  query IngestSources {\n    ingestSources {\n      kind\n      name\n      ...SourceRow_source\n    }\n  }\n": typeof types.IngestSourcesDocument,
    "\n  query IngestStats($from: Time!, $to: Time!) {\n    ingestStats(from: $from, to: $to) {\n      from\n      to\n      ...IngestTotals_stats\n      ...IngestChart_stats\n      ...SourceBreakdown_stats\n    }\n  }\n": typeof types.IngestStatsDocument,
    "\n  fragment IngestChart_stats on IngestStats {\n    from\n    to\n    stepSeconds\n    series {\n      time\n      events\n    }\n  }\n": typeof types.IngestChart_StatsFragmentDoc,
    "\n  fragment IngestTotals_stats on IngestStats {\n    events\n    bytes\n    quarantined\n    backlog\n    backlogOldestSeconds\n  }\n": typeof types.IngestTotals_StatsFragmentDoc,
    "\n  fragment SourceBreakdown_stats on IngestStats {\n    events\n    sources {\n      kind\n      name\n      events\n      bytes\n    }\n  }\n": typeof types.SourceBreakdown_StatsFragmentDoc,
    "\n  fragment SourceRow_source on IngestSource {\n    kind\n    name\n    firstSeen\n    lastSeen\n    eventsTotal\n    bytesTotal\n    quarantined\n    pending\n    lagSeconds\n  }\n": typeof types.SourceRow_SourceFragmentDoc,
    "\n  query SsoSettings {\n    ssoSettings {\n      updatedAt\n      ...SsoSettingsForm_settings\n    }\n  }\n": typeof types.SsoSettingsDocument,
    "\n  mutation UpdateSsoSettings($input: SsoSettingsInput!) {\n    updateSsoSettings(input: $input) {\n      updatedAt\n      ...SsoSettingsForm_settings\n    }\n  }\n": typeof types.UpdateSsoSettingsDocument,
    "\n  fragment SsoSettingsForm_settings on SsoSettings {\n    enabled\n    issuer\n    clientId\n    clientSecretSet\n    allowedDomains\n    groupsClaim\n    roleMappings {\n      group\n      role\n    }\n    defaultRole\n    redirectUrl\n    updatedAt\n  }\n": typeof types.SsoSettingsForm_SettingsFragmentDoc,
    "\n  query Tenants($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...TenantRow_tenant\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.TenantsDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      id\n      slug\n      name\n    }\n  }\n": typeof types.CreateTenantDocument,
    "\n  fragment TenantRow_tenant on Tenant {\n    id\n    slug\n    name\n    createdAt\n  }\n": typeof types.TenantRow_TenantFragmentDoc,
    "\n  fragment SessionFields on Session {\n    token\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n    scope\n    user {\n      id\n      email\n      displayName\n      role\n      mfaEnabled\n    }\n    tenant {\n      id\n      slug\n      name\n    }\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...SessionFields\n    }\n  }\n": typeof types.RefreshSessionDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation LogoutEverywhere {\n    logoutEverywhere\n  }\n": typeof types.LogoutEverywhereDocument,
};
const documents: Documents = {
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n": types.ChangePasswordDocument,
    "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...UserRow_user\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.UsersDocument,
    "\n  mutation AddUser($input: AddUserInput!) {\n    addUser(input: $input) {\n      id\n      email\n      role\n    }\n  }\n": types.AddUserDocument,
    "\n  mutation SetUserRole($userId: ID!, $role: Role!) {\n    setUserRole(userId: $userId, role: $role) {\n      id\n      email\n      role\n    }\n  }\n": types.SetUserRoleDocument,
    "\n  mutation RemoveUser($userId: ID!) {\n    removeUser(userId: $userId)\n  }\n": types.RemoveUserDocument,
    "\n  fragment UserRow_user on User {\n    id\n    email\n    displayName\n    role\n    mfaEnabled\n    createdAt\n  }\n": types.UserRow_UserFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      id\n      ...ApiKeyRow_apiKey\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        ...ApiKeyRow_apiKey\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      ...ApiKeyRow_apiKey\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  fragment ApiKeyRow_apiKey on ApiKey {\n    id\n    name\n    prefix\n    role\n    createdAt\n    expiresAt\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyRow_ApiKeyFragmentDoc,
    "\n  query AuditLog($filter: AuditFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...AuditRow_entry\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  query VerifyAuditLog {\n    verifyAuditLog {\n      ok\n      checked\n      firstBadId\n      reason\n    }\n  }\n": types.VerifyAuditLogDocument,
    "\n  fragment AuditRow_entry on AuditEntry {\n    id\n    at\n    actorType\n    actorId\n    actorLabel\n    ip\n    action\n    targetType\n    targetId\n    details\n    hash\n  }\n": types.AuditRow_EntryFragmentDoc,
    "\n  mutation Login($email: String!, $password: String!, $tenant: String) {\n    login(email: $email, password: $password, tenant: $tenant) {\n      session {\n        ...SessionFields\n      }\n      mfaToken\n    }\n  }\n": types.LoginDocument,
    "\n  mutation VerifyMfa($mfaToken: String!, $code: String!) {\n    verifyMfa(mfaToken: $mfaToken, code: $code) {\n      ...SessionFields\n    }\n  }\n": types.VerifyMfaDocument,
    "\n  query SsoLogin($tenant: String!) {\n    ssoLogin(tenant: $tenant) {\n      enabled\n      loginUrl\n    }\n  }\n": types.SsoLoginDocument,
    "\n  mutation CompleteSsoLogin($code: String!) {\n    completeSsoLogin(code: $code) {\n      ...SessionFields\n    }\n  }\n": types.CompleteSsoLoginDocument,
    "\n  query Events($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          severity\n          host\n          message\n          ...EventRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.EventsDocument,
    "\n  subscription EventIngested {\n    eventIngested {\n      id\n      severity\n      host\n      message\n      ...EventRow_event\n    }\n  }\n": types.EventIngestedDocument,
    "\n  fragment EventRow_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    message\n    user\n    srcIp\n    dstIp\n    action\n    bronzeId\n  }\n": types.EventRow_EventFragmentDoc,
    "\n  query ExplorerEvents($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      totalCountExact\n      edges {\n        cursor\n        node {\n          id\n          ...ExplorerRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ExplorerEventsDocument,
    "\n  query ExplorerFacets($filter: EventFilter, $fields: [FacetField!]!, $limit: Int) {\n    eventFacets(filter: $filter, fields: $fields, limit: $limit) {\n      ...FacetSidebar_facets\n    }\n  }\n": types.ExplorerFacetsDocument,
    "\n  query EventDetail($id: ID!) {\n    event(id: $id) {\n      id\n      ...EventDetail_event\n    }\n  }\n": types.EventDetailDocument,
    "\n  fragment EventDetail_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    severityId\n    message\n    user\n    srcIp\n    dstIp\n    srcPort\n    dstPort\n    srcHostname\n    dstHostname\n    action\n    classUid\n    className\n    categoryUid\n    categoryName\n    activityId\n    activityName\n    status\n    device\n    vendorEventId\n    database {\n      name\n      statement\n      object\n      rows\n    }\n    finding {\n      uid\n      title\n    }\n    srcGeo {\n      ...EventDetail_geo\n    }\n    dstGeo {\n      ...EventDetail_geo\n    }\n    threatMatches {\n      field\n      type\n      value\n      source\n      confidence\n      labels\n    }\n    userContext {\n      department\n      title\n      privileged\n      manager\n    }\n    riskScore\n    quality\n    qualityFlags\n    warnings\n    dupCount\n    lastSeenAt\n    bronzeId\n    bronze {\n      id\n      receivedAt\n      kind\n      source\n      sourcetype\n      host\n      payload\n      contentHash\n      status\n      error\n    }\n  }\n": types.EventDetail_EventFragmentDoc,
    "\n  fragment EventDetail_geo on Geo {\n    country\n    city\n    lat\n    lon\n    asn\n    asOrg\n  }\n": types.EventDetail_GeoFragmentDoc,
    "\n  fragment ExplorerRow_event on SecurityEvent {\n    id\n    time\n    severity\n    classUid\n    className\n    message\n    srcIp\n    srcPort\n    dstIp\n    dstPort\n    user\n    riskScore\n    quality\n    dupCount\n    threatMatches {\n      value\n    }\n  }\n": types.ExplorerRow_EventFragmentDoc,
    "\n  fragment FacetSidebar_facets on EventFacets {\n    total\n    approximate\n    facets {\n      field\n      values {\n        value\n        count\n      }\n    }\n  }\n": types.FacetSidebar_FacetsFragmentDoc,
    "\n  mutation CreateGatherEnrollmentToken($name: String!, $expiresInHours: Int) {\n    createGatherEnrollmentToken(name: $name, expiresInHours: $expiresInHours) {\n      id\n      name\n      token\n      expiresAt\n      caFingerprint\n      caCertificate\n    }\n  }\n": types.CreateGatherEnrollmentTokenDocument,
    "\n  query GatherNodes($first: Int!, $after: String) {\n    gatherNodes(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...GatherNodeRow_node\n          ...GatherMap_node\n          ...GatherDatabases_node\n          ...GatherNodeDrawer_node\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.GatherNodesDocument,
    "\n  mutation RevokeGatherNode($id: ID!) {\n    revokeGatherNode(id: $id) {\n      id\n      ...GatherNodeRow_node\n      ...GatherMap_node\n      ...GatherDatabases_node\n      ...GatherNodeDrawer_node\n    }\n  }\n": types.RevokeGatherNodeDocument,
    "\n  query GatherImports($status: GatherImportStatus, $first: Int!, $after: String) {\n    gatherImports(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          nodeId\n          ...GatherImportRow_import\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.GatherImportsDocument,
    "\n  query GatherImportNodes {\n    gatherNodes(first: 500) {\n      edges {\n        node {\n          id\n          name\n          hostname\n        }\n      }\n    }\n  }\n": types.GatherImportNodesDocument,
    "\n  mutation RetryGatherImport($id: ID!) {\n    retryGatherImport(id: $id) {\n      id\n      nodeId\n      ...GatherImportRow_import\n    }\n  }\n": types.RetryGatherImportDocument,
    "\n  fragment GatherDatabases_node on GatherNode {\n    id\n    name\n    hostname\n    databases {\n      engine\n      version\n      name\n      host\n      port\n      lastSeen\n      majorVersion\n      latestVersion\n      patchStatus\n      endOfLife\n      releasesAsOf\n    }\n  }\n": types.GatherDatabases_NodeFragmentDoc,
    "\n  fragment GatherImportRow_import on GatherImport {\n    id\n    nodeId\n    manifestKey\n    fileKey\n    status\n    error\n    foundBy\n    attempts\n    rows\n    bytes\n    minTime\n    maxTime\n    source\n    engine\n    importedRows\n    createdAt\n    updatedAt\n    doneAt\n  }\n": types.GatherImportRow_ImportFragmentDoc,
    "\n  fragment GatherMap_node on GatherNode {\n    id\n    name\n    hostname\n    status\n    lastHeartbeatAt\n    location {\n      lat\n      lon\n      label\n    }\n  }\n": types.GatherMap_NodeFragmentDoc,
    "\n  fragment GatherNodeRow_node on GatherNode {\n    id\n    name\n    status\n    hostname\n    version\n    os\n    ips\n    lastHeartbeatAt\n    spoolFiles\n    spoolBytes\n    collectors {\n      name\n      status\n      error\n    }\n  }\n": types.GatherNodeRow_NodeFragmentDoc,
    "\n  fragment GatherNodeDrawer_node on GatherNode {\n    id\n    name\n    status\n    hostname\n    version\n    os\n    ips\n    enrolledAt\n    lastHeartbeatAt\n    heartbeatIntervalSeconds\n    certificateExpiresAt\n    revokedAt\n    location {\n      lat\n      lon\n      label\n    }\n    spoolFiles\n    spoolBytes\n    collectors {\n      name\n      type\n      status\n      error\n      position\n    }\n    databases {\n      engine\n      version\n      name\n      patchStatus\n    }\n  }\n": types.GatherNodeDrawer_NodeFragmentDoc,
    "\n  query HecTokens {\n    hecTokens {\n      id\n      ...HecTokenRow_hecToken\n    }\n  }\n": types.HecTokensDocument,
    "\n  mutation CreateHecToken($input: CreateHecTokenInput!) {\n    createHecToken(input: $input) {\n      secret\n      hecToken {\n        id\n        name\n        source\n        sourcetype\n        ...HecTokenRow_hecToken\n      }\n    }\n  }\n": types.CreateHecTokenDocument,
    "\n  mutation RevokeHecToken($id: ID!) {\n    revokeHecToken(id: $id) {\n      id\n      ...HecTokenRow_hecToken\n    }\n  }\n": types.RevokeHecTokenDocument,
    "\n  fragment HecTokenRow_hecToken on HecToken {\n    id\n    name\n    prefix\n    source\n    sourcetype\n    createdAt\n    revokedAt\n  }\n": types.HecTokenRow_HecTokenFragmentDoc,
    "\n  mutation BeginMfaEnrollment {\n    beginMfaEnrollment {\n      ...AuthenticatorSetup_enrollment\n    }\n  }\n": types.BeginMfaEnrollmentDocument,
    "\n  mutation ConfirmMfaEnrollment($code: String!) {\n    confirmMfaEnrollment(code: $code) {\n      recoveryCodes\n      session {\n        ...SessionFields\n      }\n    }\n  }\n": types.ConfirmMfaEnrollmentDocument,
    "\n  fragment AuthenticatorSetup_enrollment on MfaEnrollment {\n    secret\n    uri\n    qrCode\n  }\n": types.AuthenticatorSetup_EnrollmentFragmentDoc,
    "\n  query Overview($from: Timestamp!, $to: Timestamp!, $interval: Interval!) {\n    metrics(from: $from, to: $to) {\n      events\n      threats\n      criticalAlerts\n      duplicates\n      bySeverity {\n        value\n        count\n      }\n      byClass {\n        value\n        count\n      }\n      bySource {\n        value\n        count\n      }\n      topTalkers {\n        value\n        count\n      }\n      topUsers {\n        value\n        count\n      }\n      topCountries {\n        value\n        count\n      }\n    }\n    eventsBySeverity: timeseries(metric: EVENTS, from: $from, to: $to, interval: $interval, groupBy: SEVERITY) {\n      timestamp\n      value\n      group\n    }\n    threats: timeseries(metric: THREATS, from: $from, to: $to, interval: $interval) {\n      timestamp\n      value\n    }\n  }\n": types.OverviewDocument,
    "\n  query RiskiestUsers($first: Int!) {\n    userRiskProfiles(first: $first) {\n      edges {\n        cursor\n        node {\n          user\n          riskScore\n          events\n          failures\n          threatMatches\n          highSeverity\n          privileged\n          lastSeen\n        }\n      }\n    }\n  }\n": types.RiskiestUsersDocument,
    "\n  query Quarantine($first: Int!, $after: String) {\n    quarantine(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...QuarantineRow_record\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.QuarantineDocument,
    "\n  mutation ReprocessQuarantine($ids: [ID!]) {\n    reprocessQuarantine(ids: $ids)\n  }\n": types.ReprocessQuarantineDocument,
    "\n  fragment QuarantineRow_record on QuarantinedRecord {\n    id\n    bronzeId\n    stage\n    reason\n    quarantinedAt\n    receivedAt\n    kind\n    source\n    sourcetype\n    host\n    payload\n  }\n": types.QuarantineRow_RecordFragmentDoc,
    "\n  mutation Reprocess($from: Timestamp!, $to: Timestamp!) {\n    reprocess(from: $from, to: $to) {\n      queued\n      removed\n    }\n  }\n": types.ReprocessDocument,
    "\n  query RetentionPolicy {\n    retentionPolicy {\n      bronzeDays\n      silverDays\n      goldDays\n      custom\n    }\n  }\n": types.RetentionPolicyDocument,
    "\n  query RetentionPreview($policy: RetentionPolicyInput) {\n    retentionPreview(policy: $policy) {\n      layers {\n        layer\n        cutoff\n        rows\n        partitions\n      }\n    }\n  }\n": types.RetentionPreviewDocument,
    "\n  mutation SetRetentionPolicy($input: RetentionPolicyInput!) {\n    setRetentionPolicy(input: $input) {\n      bronzeDays\n      silverDays\n      goldDays\n      custom\n    }\n  }\n": types.SetRetentionPolicyDocument,
    "\n  query IngestSources {\n    ingestSources {\n      kind\n      name\n      ...SourceRow_source\n    }\n  }\n": types.IngestSourcesDocument,
    "\n  query IngestStats($from: Time!, $to: Time!) {\n    ingestStats(from: $from, to: $to) {\n      from\n      to\n      ...IngestTotals_stats\n      ...IngestChart_stats\n      ...SourceBreakdown_stats\n    }\n  }\n": types.IngestStatsDocument,
    "\n  fragment IngestChart_stats on IngestStats {\n    from\n    to\n    stepSeconds\n    series {\n      time\n      events\n    }\n  }\n": types.IngestChart_StatsFragmentDoc,
    "\n  fragment IngestTotals_stats on IngestStats {\n    events\n    bytes\n    quarantined\n    backlog\n    backlogOldestSeconds\n  }\n": types.IngestTotals_StatsFragmentDoc,
    "\n  fragment SourceBreakdown_stats on IngestStats {\n    events\n    sources {\n      kind\n      name\n      events\n      bytes\n    }\n  }\n": types.SourceBreakdown_StatsFragmentDoc,
    "\n  fragment SourceRow_source on IngestSource {\n    kind\n    name\n    firstSeen\n    lastSeen\n    eventsTotal\n    bytesTotal\n    quarantined\n    pending\n    lagSeconds\n  }\n": types.SourceRow_SourceFragmentDoc,
    "\n  query SsoSettings {\n    ssoSettings {\n      updatedAt\n      ...SsoSettingsForm_settings\n    }\n  }\n": types.SsoSettingsDocument,
    "\n  mutation UpdateSsoSettings($input: SsoSettingsInput!) {\n    updateSsoSettings(input: $input) {\n      updatedAt\n      ...SsoSettingsForm_settings\n    }\n  }\n": types.UpdateSsoSettingsDocument,
    "\n  fragment SsoSettingsForm_settings on SsoSettings {\n    enabled\n    issuer\n    clientId\n    clientSecretSet\n    allowedDomains\n    groupsClaim\n    roleMappings {\n      group\n      role\n    }\n    defaultRole\n    redirectUrl\n    updatedAt\n  }\n": types.SsoSettingsForm_SettingsFragmentDoc,
    "\n  query Tenants($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...TenantRow_tenant\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.TenantsDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      id\n      slug\n      name\n    }\n  }\n": types.CreateTenantDocument,
    "\n  fragment TenantRow_tenant on Tenant {\n    id\n    slug\n    name\n    createdAt\n  }\n": types.TenantRow_TenantFragmentDoc,
    "\n  fragment SessionFields on Session {\n    token\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n    scope\n    user {\n      id\n      email\n      displayName\n      role\n      mfaEnabled\n    }\n    tenant {\n      id\n      slug\n      name\n    }\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...SessionFields\n    }\n  }\n": types.RefreshSessionDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation LogoutEverywhere {\n    logoutEverywhere\n  }\n": types.LogoutEverywhereDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...UserRow_user\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...UserRow_user\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddUser($input: AddUserInput!) {\n    addUser(input: $input) {\n      id\n      email\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation AddUser($input: AddUserInput!) {\n    addUser(input: $input) {\n      id\n      email\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserRole($userId: ID!, $role: Role!) {\n    setUserRole(userId: $userId, role: $role) {\n      id\n      email\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation SetUserRole($userId: ID!, $role: Role!) {\n    setUserRole(userId: $userId, role: $role) {\n      id\n      email\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveUser($userId: ID!) {\n    removeUser(userId: $userId)\n  }\n"): (typeof documents)["\n  mutation RemoveUser($userId: ID!) {\n    removeUser(userId: $userId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserRow_user on User {\n    id\n    email\n    displayName\n    role\n    mfaEnabled\n    createdAt\n  }\n"): (typeof documents)["\n  fragment UserRow_user on User {\n    id\n    email\n    displayName\n    role\n    mfaEnabled\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys {\n      id\n      ...ApiKeyRow_apiKey\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys {\n    apiKeys {\n      id\n      ...ApiKeyRow_apiKey\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        ...ApiKeyRow_apiKey\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        ...ApiKeyRow_apiKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      ...ApiKeyRow_apiKey\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      ...ApiKeyRow_apiKey\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyRow_apiKey on ApiKey {\n    id\n    name\n    prefix\n    role\n    createdAt\n    expiresAt\n    lastUsedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment ApiKeyRow_apiKey on ApiKey {\n    id\n    name\n    prefix\n    role\n    createdAt\n    expiresAt\n    lastUsedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($filter: AuditFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...AuditRow_entry\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($filter: AuditFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...AuditRow_entry\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VerifyAuditLog {\n    verifyAuditLog {\n      ok\n      checked\n      firstBadId\n      reason\n    }\n  }\n"): (typeof documents)["\n  query VerifyAuditLog {\n    verifyAuditLog {\n      ok\n      checked\n      firstBadId\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditRow_entry on AuditEntry {\n    id\n    at\n    actorType\n    actorId\n    actorLabel\n    ip\n    action\n    targetType\n    targetId\n    details\n    hash\n  }\n"): (typeof documents)["\n  fragment AuditRow_entry on AuditEntry {\n    id\n    at\n    actorType\n    actorId\n    actorLabel\n    ip\n    action\n    targetType\n    targetId\n    details\n    hash\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!, $tenant: String) {\n    login(email: $email, password: $password, tenant: $tenant) {\n      session {\n        ...SessionFields\n      }\n      mfaToken\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!, $tenant: String) {\n    login(email: $email, password: $password, tenant: $tenant) {\n      session {\n        ...SessionFields\n      }\n      mfaToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyMfa($mfaToken: String!, $code: String!) {\n    verifyMfa(mfaToken: $mfaToken, code: $code) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyMfa($mfaToken: String!, $code: String!) {\n    verifyMfa(mfaToken: $mfaToken, code: $code) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SsoLogin($tenant: String!) {\n    ssoLogin(tenant: $tenant) {\n      enabled\n      loginUrl\n    }\n  }\n"): (typeof documents)["\n  query SsoLogin($tenant: String!) {\n    ssoLogin(tenant: $tenant) {\n      enabled\n      loginUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteSsoLogin($code: String!) {\n    completeSsoLogin(code: $code) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteSsoLogin($code: String!) {\n    completeSsoLogin(code: $code) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Events($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          severity\n          host\n          message\n          ...EventRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Events($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          severity\n          host\n          message\n          ...EventRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EventIngested {\n    eventIngested {\n      id\n      severity\n      host\n      message\n      ...EventRow_event\n    }\n  }\n"): (typeof documents)["\n  subscription EventIngested {\n    eventIngested {\n      id\n      severity\n      host\n      message\n      ...EventRow_event\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventRow_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    message\n    user\n    srcIp\n    dstIp\n    action\n    bronzeId\n  }\n"): (typeof documents)["\n  fragment EventRow_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    message\n    user\n    srcIp\n    dstIp\n    action\n    bronzeId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplorerEvents($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      totalCountExact\n      edges {\n        cursor\n        node {\n          id\n          ...ExplorerRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExplorerEvents($filter: EventFilter, $first: Int!, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      totalCount\n      totalCountExact\n      edges {\n        cursor\n        node {\n          id\n          ...ExplorerRow_event\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplorerFacets($filter: EventFilter, $fields: [FacetField!]!, $limit: Int) {\n    eventFacets(filter: $filter, fields: $fields, limit: $limit) {\n      ...FacetSidebar_facets\n    }\n  }\n"): (typeof documents)["\n  query ExplorerFacets($filter: EventFilter, $fields: [FacetField!]!, $limit: Int) {\n    eventFacets(filter: $filter, fields: $fields, limit: $limit) {\n      ...FacetSidebar_facets\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventDetail($id: ID!) {\n    event(id: $id) {\n      id\n      ...EventDetail_event\n    }\n  }\n"): (typeof documents)["\n  query EventDetail($id: ID!) {\n    event(id: $id) {\n      id\n      ...EventDetail_event\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventDetail_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    severityId\n    message\n    user\n    srcIp\n    dstIp\n    srcPort\n    dstPort\n    srcHostname\n    dstHostname\n    action\n    classUid\n    className\n    categoryUid\n    categoryName\n    activityId\n    activityName\n    status\n    device\n    vendorEventId\n    database {\n      name\n      statement\n      object\n      rows\n    }\n    finding {\n      uid\n      title\n    }\n    srcGeo {\n      ...EventDetail_geo\n    }\n    dstGeo {\n      ...EventDetail_geo\n    }\n    threatMatches {\n      field\n      type\n      value\n      source\n      confidence\n      labels\n    }\n    userContext {\n      department\n      title\n      privileged\n      manager\n    }\n    riskScore\n    quality\n    qualityFlags\n    warnings\n    dupCount\n    lastSeenAt\n    bronzeId\n    bronze {\n      id\n      receivedAt\n      kind\n      source\n      sourcetype\n      host\n      payload\n      contentHash\n      status\n      error\n    }\n  }\n"): (typeof documents)["\n  fragment EventDetail_event on SecurityEvent {\n    id\n    time\n    receivedAt\n    host\n    source\n    sourcetype\n    severity\n    severityId\n    message\n    user\n    srcIp\n    dstIp\n    srcPort\n    dstPort\n    srcHostname\n    dstHostname\n    action\n    classUid\n    className\n    categoryUid\n    categoryName\n    activityId\n    activityName\n    status\n    device\n    vendorEventId\n    database {\n      name\n      statement\n      object\n      rows\n    }\n    finding {\n      uid\n      title\n    }\n    srcGeo {\n      ...EventDetail_geo\n    }\n    dstGeo {\n      ...EventDetail_geo\n    }\n    threatMatches {\n      field\n      type\n      value\n      source\n      confidence\n      labels\n    }\n    userContext {\n      department\n      title\n      privileged\n      manager\n    }\n    riskScore\n    quality\n    qualityFlags\n    warnings\n    dupCount\n    lastSeenAt\n    bronzeId\n    bronze {\n      id\n      receivedAt\n      kind\n      source\n      sourcetype\n      host\n      payload\n      contentHash\n      status\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventDetail_geo on Geo {\n    country\n    city\n    lat\n    lon\n    asn\n    asOrg\n  }\n"): (typeof documents)["\n  fragment EventDetail_geo on Geo {\n    country\n    city\n    lat\n    lon\n    asn\n    asOrg\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExplorerRow_event on SecurityEvent {\n    id\n    time\n    severity\n    classUid\n    className\n    message\n    srcIp\n    srcPort\n    dstIp\n    dstPort\n    user\n    riskScore\n    quality\n    dupCount\n    threatMatches {\n      value\n    }\n  }\n"): (typeof documents)["\n  fragment ExplorerRow_event on SecurityEvent {\n    id\n    time\n    severity\n    classUid\n    className\n    message\n    srcIp\n    srcPort\n    dstIp\n    dstPort\n    user\n    riskScore\n    quality\n    dupCount\n    threatMatches {\n      value\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment FacetSidebar_facets on EventFacets {\n    total\n    approximate\n    facets {\n      field\n      values {\n        value\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment FacetSidebar_facets on EventFacets {\n    total\n    approximate\n    facets {\n      field\n      values {\n        value\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGatherEnrollmentToken($name: String!, $expiresInHours: Int) {\n    createGatherEnrollmentToken(name: $name, expiresInHours: $expiresInHours) {\n      id\n      name\n      token\n      expiresAt\n      caFingerprint\n      caCertificate\n    }\n  }\n"): (typeof documents)["\n  mutation CreateGatherEnrollmentToken($name: String!, $expiresInHours: Int) {\n    createGatherEnrollmentToken(name: $name, expiresInHours: $expiresInHours) {\n      id\n      name\n      token\n      expiresAt\n      caFingerprint\n      caCertificate\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GatherNodes($first: Int!, $after: String) {\n    gatherNodes(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...GatherNodeRow_node\n          ...GatherMap_node\n          ...GatherDatabases_node\n          ...GatherNodeDrawer_node\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query GatherNodes($first: Int!, $after: String) {\n    gatherNodes(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...GatherNodeRow_node\n          ...GatherMap_node\n          ...GatherDatabases_node\n          ...GatherNodeDrawer_node\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeGatherNode($id: ID!) {\n    revokeGatherNode(id: $id) {\n      id\n      ...GatherNodeRow_node\n      ...GatherMap_node\n      ...GatherDatabases_node\n      ...GatherNodeDrawer_node\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeGatherNode($id: ID!) {\n    revokeGatherNode(id: $id) {\n      id\n      ...GatherNodeRow_node\n      ...GatherMap_node\n      ...GatherDatabases_node\n      ...GatherNodeDrawer_node\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GatherImports($status: GatherImportStatus, $first: Int!, $after: String) {\n    gatherImports(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          nodeId\n          ...GatherImportRow_import\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query GatherImports($status: GatherImportStatus, $first: Int!, $after: String) {\n    gatherImports(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          nodeId\n          ...GatherImportRow_import\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GatherImportNodes {\n    gatherNodes(first: 500) {\n      edges {\n        node {\n          id\n          name\n          hostname\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query GatherImportNodes {\n    gatherNodes(first: 500) {\n      edges {\n        node {\n          id\n          name\n          hostname\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryGatherImport($id: ID!) {\n    retryGatherImport(id: $id) {\n      id\n      nodeId\n      ...GatherImportRow_import\n    }\n  }\n"): (typeof documents)["\n  mutation RetryGatherImport($id: ID!) {\n    retryGatherImport(id: $id) {\n      id\n      nodeId\n      ...GatherImportRow_import\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GatherDatabases_node on GatherNode {\n    id\n    name\n    hostname\n    databases {\n      engine\n      version\n      name\n      host\n      port\n      lastSeen\n      majorVersion\n      latestVersion\n      patchStatus\n      endOfLife\n      releasesAsOf\n    }\n  }\n"): (typeof documents)["\n  fragment GatherDatabases_node on GatherNode {\n    id\n    name\n    hostname\n    databases {\n      engine\n      version\n      name\n      host\n      port\n      lastSeen\n      majorVersion\n      latestVersion\n      patchStatus\n      endOfLife\n      releasesAsOf\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GatherImportRow_import on GatherImport {\n    id\n    nodeId\n    manifestKey\n    fileKey\n    status\n    error\n    foundBy\n    attempts\n    rows\n    bytes\n    minTime\n    maxTime\n    source\n    engine\n    importedRows\n    createdAt\n    updatedAt\n    doneAt\n  }\n"): (typeof documents)["\n  fragment GatherImportRow_import on GatherImport {\n    id\n    nodeId\n    manifestKey\n    fileKey\n    status\n    error\n    foundBy\n    attempts\n    rows\n    bytes\n    minTime\n    maxTime\n    source\n    engine\n    importedRows\n    createdAt\n    updatedAt\n    doneAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GatherMap_node on GatherNode {\n    id\n    name\n    hostname\n    status\n    lastHeartbeatAt\n    location {\n      lat\n      lon\n      label\n    }\n  }\n"): (typeof documents)["\n  fragment GatherMap_node on GatherNode {\n    id\n    name\n    hostname\n    status\n    lastHeartbeatAt\n    location {\n      lat\n      lon\n      label\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GatherNodeRow_node on GatherNode {\n    id\n    name\n    status\n    hostname\n    version\n    os\n    ips\n    lastHeartbeatAt\n    spoolFiles\n    spoolBytes\n    collectors {\n      name\n      status\n      error\n    }\n  }\n"): (typeof documents)["\n  fragment GatherNodeRow_node on GatherNode {\n    id\n    name\n    status\n    hostname\n    version\n    os\n    ips\n    lastHeartbeatAt\n    spoolFiles\n    spoolBytes\n    collectors {\n      name\n      status\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment GatherNodeDrawer_node on GatherNode {\n    id\n    name\n    status\n    hostname\n    version\n    os\n    ips\n    enrolledAt\n    lastHeartbeatAt\n    heartbeatIntervalSeconds\n    certificateExpiresAt\n    revokedAt\n    location {\n      lat\n      lon\n      label\n    }\n    spoolFiles\n    spoolBytes\n    collectors {\n      name\n      type\n      status\n      error\n      position\n    }\n    databases {\n      engine\n      version\n      name\n      patchStatus\n    }\n  }\n"): (typeof documents)["\n  fragment GatherNodeDrawer_node on GatherNode {\n    id\n    name\n    status\n    hostname\n    version\n    os\n    ips\n    enrolledAt\n    lastHeartbeatAt\n    heartbeatIntervalSeconds\n    certificateExpiresAt\n    revokedAt\n    location {\n      lat\n      lon\n      label\n    }\n    spoolFiles\n    spoolBytes\n    collectors {\n      name\n      type\n      status\n      error\n      position\n    }\n    databases {\n      engine\n      version\n      name\n      patchStatus\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HecTokens {\n    hecTokens {\n      id\n      ...HecTokenRow_hecToken\n    }\n  }\n"): (typeof documents)["\n  query HecTokens {\n    hecTokens {\n      id\n      ...HecTokenRow_hecToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateHecToken($input: CreateHecTokenInput!) {\n    createHecToken(input: $input) {\n      secret\n      hecToken {\n        id\n        name\n        source\n        sourcetype\n        ...HecTokenRow_hecToken\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateHecToken($input: CreateHecTokenInput!) {\n    createHecToken(input: $input) {\n      secret\n      hecToken {\n        id\n        name\n        source\n        sourcetype\n        ...HecTokenRow_hecToken\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeHecToken($id: ID!) {\n    revokeHecToken(id: $id) {\n      id\n      ...HecTokenRow_hecToken\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeHecToken($id: ID!) {\n    revokeHecToken(id: $id) {\n      id\n      ...HecTokenRow_hecToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HecTokenRow_hecToken on HecToken {\n    id\n    name\n    prefix\n    source\n    sourcetype\n    createdAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment HecTokenRow_hecToken on HecToken {\n    id\n    name\n    prefix\n    source\n    sourcetype\n    createdAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BeginMfaEnrollment {\n    beginMfaEnrollment {\n      ...AuthenticatorSetup_enrollment\n    }\n  }\n"): (typeof documents)["\n  mutation BeginMfaEnrollment {\n    beginMfaEnrollment {\n      ...AuthenticatorSetup_enrollment\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmMfaEnrollment($code: String!) {\n    confirmMfaEnrollment(code: $code) {\n      recoveryCodes\n      session {\n        ...SessionFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmMfaEnrollment($code: String!) {\n    confirmMfaEnrollment(code: $code) {\n      recoveryCodes\n      session {\n        ...SessionFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthenticatorSetup_enrollment on MfaEnrollment {\n    secret\n    uri\n    qrCode\n  }\n"): (typeof documents)["\n  fragment AuthenticatorSetup_enrollment on MfaEnrollment {\n    secret\n    uri\n    qrCode\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Overview($from: Timestamp!, $to: Timestamp!, $interval: Interval!) {\n    metrics(from: $from, to: $to) {\n      events\n      threats\n      criticalAlerts\n      duplicates\n      bySeverity {\n        value\n        count\n      }\n      byClass {\n        value\n        count\n      }\n      bySource {\n        value\n        count\n      }\n      topTalkers {\n        value\n        count\n      }\n      topUsers {\n        value\n        count\n      }\n      topCountries {\n        value\n        count\n      }\n    }\n    eventsBySeverity: timeseries(metric: EVENTS, from: $from, to: $to, interval: $interval, groupBy: SEVERITY) {\n      timestamp\n      value\n      group\n    }\n    threats: timeseries(metric: THREATS, from: $from, to: $to, interval: $interval) {\n      timestamp\n      value\n    }\n  }\n"): (typeof documents)["\n  query Overview($from: Timestamp!, $to: Timestamp!, $interval: Interval!) {\n    metrics(from: $from, to: $to) {\n      events\n      threats\n      criticalAlerts\n      duplicates\n      bySeverity {\n        value\n        count\n      }\n      byClass {\n        value\n        count\n      }\n      bySource {\n        value\n        count\n      }\n      topTalkers {\n        value\n        count\n      }\n      topUsers {\n        value\n        count\n      }\n      topCountries {\n        value\n        count\n      }\n    }\n    eventsBySeverity: timeseries(metric: EVENTS, from: $from, to: $to, interval: $interval, groupBy: SEVERITY) {\n      timestamp\n      value\n      group\n    }\n    threats: timeseries(metric: THREATS, from: $from, to: $to, interval: $interval) {\n      timestamp\n      value\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RiskiestUsers($first: Int!) {\n    userRiskProfiles(first: $first) {\n      edges {\n        cursor\n        node {\n          user\n          riskScore\n          events\n          failures\n          threatMatches\n          highSeverity\n          privileged\n          lastSeen\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RiskiestUsers($first: Int!) {\n    userRiskProfiles(first: $first) {\n      edges {\n        cursor\n        node {\n          user\n          riskScore\n          events\n          failures\n          threatMatches\n          highSeverity\n          privileged\n          lastSeen\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Quarantine($first: Int!, $after: String) {\n    quarantine(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...QuarantineRow_record\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Quarantine($first: Int!, $after: String) {\n    quarantine(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...QuarantineRow_record\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReprocessQuarantine($ids: [ID!]) {\n    reprocessQuarantine(ids: $ids)\n  }\n"): (typeof documents)["\n  mutation ReprocessQuarantine($ids: [ID!]) {\n    reprocessQuarantine(ids: $ids)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QuarantineRow_record on QuarantinedRecord {\n    id\n    bronzeId\n    stage\n    reason\n    quarantinedAt\n    receivedAt\n    kind\n    source\n    sourcetype\n    host\n    payload\n  }\n"): (typeof documents)["\n  fragment QuarantineRow_record on QuarantinedRecord {\n    id\n    bronzeId\n    stage\n    reason\n    quarantinedAt\n    receivedAt\n    kind\n    source\n    sourcetype\n    host\n    payload\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reprocess($from: Timestamp!, $to: Timestamp!) {\n    reprocess(from: $from, to: $to) {\n      queued\n      removed\n    }\n  }\n"): (typeof documents)["\n  mutation Reprocess($from: Timestamp!, $to: Timestamp!) {\n    reprocess(from: $from, to: $to) {\n      queued\n      removed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RetentionPolicy {\n    retentionPolicy {\n      bronzeDays\n      silverDays\n      goldDays\n      custom\n    }\n  }\n"): (typeof documents)["\n  query RetentionPolicy {\n    retentionPolicy {\n      bronzeDays\n      silverDays\n      goldDays\n      custom\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RetentionPreview($policy: RetentionPolicyInput) {\n    retentionPreview(policy: $policy) {\n      layers {\n        layer\n        cutoff\n        rows\n        partitions\n      }\n    }\n  }\n"): (typeof documents)["\n  query RetentionPreview($policy: RetentionPolicyInput) {\n    retentionPreview(policy: $policy) {\n      layers {\n        layer\n        cutoff\n        rows\n        partitions\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRetentionPolicy($input: RetentionPolicyInput!) {\n    setRetentionPolicy(input: $input) {\n      bronzeDays\n      silverDays\n      goldDays\n      custom\n    }\n  }\n"): (typeof documents)["\n  mutation SetRetentionPolicy($input: RetentionPolicyInput!) {\n    setRetentionPolicy(input: $input) {\n      bronzeDays\n      silverDays\n      goldDays\n      custom\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IngestSources {\n    ingestSources {\n      kind\n      name\n      ...SourceRow_source\n    }\n  }\n"): (typeof documents)["\n  query IngestSources {\n    ingestSources {\n      kind\n      name\n      ...SourceRow_source\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IngestStats($from: Time!, $to: Time!) {\n    ingestStats(from: $from, to: $to) {\n      from\n      to\n      ...IngestTotals_stats\n      ...IngestChart_stats\n      ...SourceBreakdown_stats\n    }\n  }\n"): (typeof documents)["\n  query IngestStats($from: Time!, $to: Time!) {\n    ingestStats(from: $from, to: $to) {\n      from\n      to\n      ...IngestTotals_stats\n      ...IngestChart_stats\n      ...SourceBreakdown_stats\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IngestChart_stats on IngestStats {\n    from\n    to\n    stepSeconds\n    series {\n      time\n      events\n    }\n  }\n"): (typeof documents)["\n  fragment IngestChart_stats on IngestStats {\n    from\n    to\n    stepSeconds\n    series {\n      time\n      events\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IngestTotals_stats on IngestStats {\n    events\n    bytes\n    quarantined\n    backlog\n    backlogOldestSeconds\n  }\n"): (typeof documents)["\n  fragment IngestTotals_stats on IngestStats {\n    events\n    bytes\n    quarantined\n    backlog\n    backlogOldestSeconds\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SourceBreakdown_stats on IngestStats {\n    events\n    sources {\n      kind\n      name\n      events\n      bytes\n    }\n  }\n"): (typeof documents)["\n  fragment SourceBreakdown_stats on IngestStats {\n    events\n    sources {\n      kind\n      name\n      events\n      bytes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SourceRow_source on IngestSource {\n    kind\n    name\n    firstSeen\n    lastSeen\n    eventsTotal\n    bytesTotal\n    quarantined\n    pending\n    lagSeconds\n  }\n"): (typeof documents)["\n  fragment SourceRow_source on IngestSource {\n    kind\n    name\n    firstSeen\n    lastSeen\n    eventsTotal\n    bytesTotal\n    quarantined\n    pending\n    lagSeconds\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SsoSettings {\n    ssoSettings {\n      updatedAt\n      ...SsoSettingsForm_settings\n    }\n  }\n"): (typeof documents)["\n  query SsoSettings {\n    ssoSettings {\n      updatedAt\n      ...SsoSettingsForm_settings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSsoSettings($input: SsoSettingsInput!) {\n    updateSsoSettings(input: $input) {\n      updatedAt\n      ...SsoSettingsForm_settings\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateSsoSettings($input: SsoSettingsInput!) {\n    updateSsoSettings(input: $input) {\n      updatedAt\n      ...SsoSettingsForm_settings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SsoSettingsForm_settings on SsoSettings {\n    enabled\n    issuer\n    clientId\n    clientSecretSet\n    allowedDomains\n    groupsClaim\n    roleMappings {\n      group\n      role\n    }\n    defaultRole\n    redirectUrl\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment SsoSettingsForm_settings on SsoSettings {\n    enabled\n    issuer\n    clientId\n    clientSecretSet\n    allowedDomains\n    groupsClaim\n    roleMappings {\n      group\n      role\n    }\n    defaultRole\n    redirectUrl\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tenants($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...TenantRow_tenant\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Tenants($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          ...TenantRow_tenant\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      id\n      slug\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      id\n      slug\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TenantRow_tenant on Tenant {\n    id\n    slug\n    name\n    createdAt\n  }\n"): (typeof documents)["\n  fragment TenantRow_tenant on Tenant {\n    id\n    slug\n    name\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on Session {\n    token\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n    scope\n    user {\n      id\n      email\n      displayName\n      role\n      mfaEnabled\n    }\n    tenant {\n      id\n      slug\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment SessionFields on Session {\n    token\n    expiresAt\n    refreshToken\n    refreshExpiresAt\n    scope\n    user {\n      id\n      email\n      displayName\n      role\n      mfaEnabled\n    }\n    tenant {\n      id\n      slug\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...SessionFields\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...SessionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogoutEverywhere {\n    logoutEverywhere\n  }\n"): (typeof documents)["\n  mutation LogoutEverywhere {\n    logoutEverywhere\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;