/** The sections of the Operator view, in the order of its tabs; every one needs sources:read. */
export const operatorSections = [
  { path: '/operator/sources', label: 'Sources' },
  { path: '/operator/quarantine', label: 'Quarantine' },
  // Needs pipeline:manage as well, which every role that may read sources holds.
  { path: '/operator/reprocess', label: 'Reprocess' },
];
