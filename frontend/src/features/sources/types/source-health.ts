/** How recently a source sent something: see sourceHealth for the thresholds. */
export type SourceHealth = 'live' | 'quiet' | 'silent';
