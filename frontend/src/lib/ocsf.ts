/** The OCSF classes the refine stage assigns, most common first. */
export const ocsfClasses: { uid: number; name: string }[] = [
  { uid: 3002, name: 'Authentication' },
  { uid: 3001, name: 'Account Change' },
  { uid: 4001, name: 'Network Activity' },
  { uid: 4002, name: 'HTTP Activity' },
  { uid: 4003, name: 'DNS Activity' },
  { uid: 2004, name: 'Detection Finding' },
  { uid: 6005, name: 'Datastore Activity' },
  { uid: 1001, name: 'File System Activity' },
  { uid: 1007, name: 'Process Activity' },
  { uid: 0, name: 'Base Event' },
];

/** The name of an OCSF class id, e.g. 3002 → "Authentication". */
export function ocsfClassName(uid: number): string {
  return ocsfClasses.find((c) => c.uid === uid)?.name ?? `Class ${uid}`;
}

/** A class as Gold and the facets report it (an id, or already a name) as a name. */
export function ocsfClassLabel(value: string): string {
  return /^\d+$/.test(value) ? ocsfClassName(Number(value)) : value;
}
