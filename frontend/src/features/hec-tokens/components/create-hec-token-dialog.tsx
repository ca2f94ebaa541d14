import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreateHecTokenMutation } from '@/features/hec-tokens/api/hec-tokens-documents';
import { hecCurlExample } from '@/lib/hec-example';
import { Dialog, DialogActions } from '@/components/dialog';
import { OneTimeSecret } from '@/components/one-time-secret';
import { errorMessage } from '@/lib/graphql-errors';

type CreateHecTokenDialogProps = {
  onCreated: () => void;
  onClose: () => void;
};

type Created = { name: string; secret: string; sourcetype: string | null };

/** Creates a token, then shows it this once; closing forgets it. */
export function CreateHecTokenDialog({ onCreated, onClose }: CreateHecTokenDialogProps) {
  const id = useId();
  const [{ fetching, error }, createHecToken] = useMutation(CreateHecTokenMutation);
  const [name, setName] = useState('');
  const [source, setSource] = useState('');
  const [sourcetype, setSourcetype] = useState('');
  const [created, setCreated] = useState<Created | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await createHecToken({
      input: { name: name.trim(), source: source.trim() || null, sourcetype: sourcetype.trim() || null },
    });
    const answer = result.data?.createHecToken;
    if (!answer) return;
    setCreated({ name: answer.hecToken.name, secret: answer.secret, sourcetype: answer.hecToken.sourcetype ?? null });
    onCreated();
  }

  if (created) {
    return (
      <Dialog title="HEC token created" description={`“${created.name}” can send events now.`} onClose={onClose} wide>
        <OneTimeSecret
          label="HEC token"
          secret={created.secret}
          example={hecCurlExample(window.location.origin, created.secret, created.sourcetype)}
          exampleLabel="Send a test event"
        />
        <DialogActions>
          <button type="button" className="button button-primary" onClick={onClose}>
            Done
          </button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <Dialog
      title="Create HEC token"
      description="For forwarders and agents sending events to the Splunk-compatible HTTP Event Collector."
      onClose={onClose}
      busy={fetching}
    >
      <form className="stack" onSubmit={handleSubmit}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            type="text"
            required
            autoComplete="off"
            placeholder="e.g. Web servers"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-autofocus
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-source`}>Default source</label>
          <input
            id={`${id}-source`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="optional, e.g. /var/log/auth.log"
            value={source}
            onChange={(e) => setSource(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-sourcetype`}>Default sourcetype</label>
          <input
            id={`${id}-sourcetype`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="optional, e.g. linux:auth"
            value={sourcetype}
            onChange={(e) => setSourcetype(e.target.value)}
            aria-describedby={`${id}-defaults-hint`}
          />
          <p id={`${id}-defaults-hint`} className="hint">
            Used for events that do not name their own source or sourcetype.
          </p>
        </div>
        {error && (
          <p className="inline-alert" role="alert">
            {errorMessage(error)}
          </p>
        )}
        <DialogActions>
          <button type="button" className="button" onClick={onClose} disabled={fetching}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={fetching}>
            {fetching ? 'Creating…' : 'Create HEC token'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
