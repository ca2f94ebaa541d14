import type { RetentionPolicyInput } from '@/lib/gql/graphql';
import { formatNumber } from '@/lib/format';

export type RetentionField = keyof RetentionPolicyInput;

/** The form's values as typed. */
export type RetentionDraft = Record<RetentionField, string>;

export const retentionFields: { field: RetentionField; label: string; hint: string; max: number }[] = [
  { field: 'bronzeDays', label: 'Raw records (Bronze)', hint: 'Records exactly as received.', max: 3650 },
  { field: 'silverDays', label: 'Normalized events (Silver)', hint: 'What the explorer searches.', max: 3650 },
  { field: 'goldDays', label: 'Metrics (Gold)', hint: 'Counts behind the overview.', max: 36500 },
];

/** Why each field is invalid; empty when the draft can be saved. */
export function retentionErrors(draft: RetentionDraft): Partial<Record<RetentionField, string>> {
  const errors: Partial<Record<RetentionField, string>> = {};
  for (const { field, label, max } of retentionFields) {
    const text = draft[field].trim();
    const days = Number(text);
    if (!/^\d+$/.test(text) || days < 1 || days > max) {
      errors[field] = `${label}: enter a whole number of days from 1 to ${formatNumber(max)}.`;
    }
  }
  return errors;
}

/** The policy input of a valid draft, else null. */
export function retentionInput(draft: RetentionDraft): RetentionPolicyInput | null {
  if (Object.keys(retentionErrors(draft)).length > 0) return null;
  return {
    bronzeDays: Number(draft.bronzeDays.trim()),
    silverDays: Number(draft.silverDays.trim()),
    goldDays: Number(draft.goldDays.trim()),
  };
}
