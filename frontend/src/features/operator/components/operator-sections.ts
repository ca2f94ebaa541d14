/**
 * The sections of the Operator view, in the order of its tabs. Sources, quarantine and reprocess need
 * sources:read; gather nodes and imports gather:read; every role that opens the view holds both.
 */
export const operatorSections = [
  { path: '/operator/sources', label: 'Sources' },
  { path: '/operator/quarantine', label: 'Quarantine' },
  // Needs pipeline:manage as well, which every role that may read sources holds.
  { path: '/operator/reprocess', label: 'Reprocess' },
  { path: '/operator/gather', label: 'Gather nodes' },
  { path: '/operator/imports', label: 'Imports' },
];
