import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { SeverityFilter } from '@/components/severity-filter';
import type { Severity } from '@/lib/gql/graphql';

function Filter({ onChange }: { onChange: (value: Severity[]) => void }) {
  const [value, setValue] = useState<Severity[]>([]);
  return (
    <SeverityFilter
      value={value}
      onChange={(next) => {
        setValue(next);
        onChange(next);
      }}
    />
  );
}

describe('SeverityFilter', () => {
  it('lists every severity from Critical down, none ticked', () => {
    render(<Filter onChange={() => {}} />);
    expect(screen.getByRole('group', { name: 'Severity' })).toBeInTheDocument();
    const boxes = screen.getAllByRole('checkbox');
    expect(boxes.map((b) => b.closest('label')?.textContent)).toEqual([
      'Critical',
      'High',
      'Medium',
      'Low',
      'Info',
      'Unknown',
    ]);
    expect(boxes.every((b) => !(b as HTMLInputElement).checked)).toBe(true);
  });

  it('reports the ticked severities in the order of the scale, and unticks', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<Filter onChange={onChange} />);

    await user.click(screen.getByRole('checkbox', { name: 'Low' }));
    await user.click(screen.getByRole('checkbox', { name: 'Critical' }));
    expect(onChange).toHaveBeenLastCalledWith(['CRITICAL', 'LOW']);

    await user.click(screen.getByRole('checkbox', { name: 'Low' }));
    expect(onChange).toHaveBeenLastCalledWith(['CRITICAL']);
    expect(screen.getByRole('checkbox', { name: 'Critical' })).toBeChecked();
  });
});
