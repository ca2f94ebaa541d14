/** The message for /login?sso_error=<reason>. */
export function ssoErrorMessage(reason: string): string {
  // access_denied is OAuth 2.0's own (the user or the IdP said no); other
  // reasons come from the server and are shown as given, made readable.
  const detail =
    reason === 'access_denied' ? 'the identity provider denied the sign-in' : reason.replace(/[_-]+/g, ' ').trim();
  return `Single sign-on failed: ${detail}.`;
}
