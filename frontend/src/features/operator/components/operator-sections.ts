/** The sections of the Operator view, in the order of its tabs; every one needs sources:read. */
export const operatorSections = [
  { path: '/operator/sources', label: 'Sources' },
  { path: '/operator/quarantine', label: 'Quarantine' },
];
