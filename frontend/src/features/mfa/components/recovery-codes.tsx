import { useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { saveBlob } from '@/lib/download';
import styles from './mfa-enroll.module.css';

type RecoveryCodesProps = {
  codes: string[];
  /** Who the codes are for, written at the top of the downloaded file. */
  account: string;
  onContinue: () => void;
};

/** The recovery codes, shown this once; Continue waits until the user says they are saved. */
export function RecoveryCodes({ codes, account, onContinue }: RecoveryCodesProps) {
  const [saved, setSaved] = useState(false);
  const text = codes.join('\n');

  function download() {
    const body = [
      `Scalefield recovery codes for ${account}`,
      `Created ${new Date().toISOString()}. Each code works once.`,
      '',
      text,
      '',
    ].join('\n');
    saveBlob(new Blob([body], { type: 'text/plain;charset=utf-8' }), 'scalefield-recovery-codes.txt');
  }

  return (
    <div>
      <p className="inline-warning" role="note">
        These codes are shown only now. Each one signs you in once if you lose your authenticator; keep them somewhere
        safe, apart from your device.
      </p>
      <ol className={styles.codes} aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className={styles.row}>
        <CopyButton text={text} label="Copy" />
        <button type="button" className="button" onClick={download}>
          Download .txt
        </button>
      </div>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />I have saved these codes
      </label>
      <button
        type="button"
        className={`button button-primary ${styles.continue}`}
        disabled={!saved}
        onClick={onContinue}
      >
        Continue
      </button>
    </div>
  );
}
