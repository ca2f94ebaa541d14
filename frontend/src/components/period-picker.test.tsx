import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { PeriodPicker } from '@/components/period-picker';

const periods = [
  { id: '1h', label: '1 hour' },
  { id: '24h', label: '24 hours' },
  { id: '7d', label: '7 days' },
] as const;

type Id = (typeof periods)[number]['id'];

function Picker({ onChange }: { onChange: (id: Id) => void }) {
  const [value, setValue] = useState<Id>('24h');
  return (
    <PeriodPicker
      periods={periods}
      value={value}
      onChange={(id) => {
        setValue(id);
        onChange(id);
      }}
    />
  );
}

describe('PeriodPicker', () => {
  it('is a radio group named Period with the chosen period checked', () => {
    render(<Picker onChange={() => {}} />);
    const group = screen.getByRole('group', { name: 'Period' });
    expect(group).toBeInTheDocument();
    expect(screen.getAllByRole('radio').map((r) => r.getAttribute('value'))).toEqual(['1h', '24h', '7d']);
    expect(screen.getByRole('radio', { name: '24 hours' })).toBeChecked();
    expect(screen.getByRole('radio', { name: '1 hour' })).not.toBeChecked();
  });

  it('reports a click and the arrow keys', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<Picker onChange={onChange} />);

    await user.click(screen.getByRole('radio', { name: '7 days' }));
    expect(onChange).toHaveBeenLastCalledWith('7d');
    expect(screen.getByRole('radio', { name: '7 days' })).toBeChecked();

    await user.keyboard('{ArrowLeft}');
    expect(onChange).toHaveBeenLastCalledWith('24h');
    expect(screen.getByRole('radio', { name: '24 hours' })).toHaveFocus();
  });
});
