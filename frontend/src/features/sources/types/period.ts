/** The periods the ingest summary can show, ending now. */
export type PeriodId = '15m' | '1h' | '24h' | '7d';

export type Period = {
  id: PeriodId;
  /** Short, for the picker: "1 hour". */
  label: string;
  /** For sentences: "the last hour". */
  phrase: string;
  seconds: number;
};

export const periods: Period[] = [
  { id: '15m', label: '15 min', phrase: 'the last 15 minutes', seconds: 15 * 60 },
  { id: '1h', label: '1 hour', phrase: 'the last hour', seconds: 3600 },
  { id: '24h', label: '24 hours', phrase: 'the last 24 hours', seconds: 24 * 3600 },
  { id: '7d', label: '7 days', phrase: 'the last 7 days', seconds: 7 * 24 * 3600 },
];

export const DEFAULT_PERIOD: PeriodId = '1h';
