import { useEffect, useId, useRef, useState } from 'react';
import {
  DEFAULT_GATHER_PORT,
  gatherEngineUrl,
  gatherYaml,
  isValidPort,
} from '@/features/gather-enrollment/utils/gather-yaml';
import { CopyButton } from '@/components/copy-button';
import { formatDateTime } from '@/lib/format';
import styles from './gather-enrollment.module.css';

type EnrollmentResultProps = {
  created: {
    name: string;
    token: string;
    expiresAt: string;
    caFingerprint: string;
    caCertificate: string;
  };
  /** Forgets the token and goes back to the form. */
  onDone: () => void;
};

/** The token, the CA fingerprint and a gather.yaml, shown this once. */
export function EnrollmentResult({ created, onDone }: EnrollmentResultProps) {
  const id = useId();
  const host = window.location.hostname;
  const [portText, setPortText] = useState(String(DEFAULT_GATHER_PORT));
  const port = Number(portText);
  const validPort = isValidPort(port);
  const yaml = gatherYaml({
    host,
    port: validPort ? port : DEFAULT_GATHER_PORT,
    token: created.token,
    caFingerprint: created.caFingerprint,
    name: created.name,
  });

  // The outcome replaces the form: focus goes to its heading.
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <div className={styles.result} aria-labelledby={`${id}-title`} role="region">
      <h3 id={`${id}-title`} ref={headingRef} tabIndex={-1} className={styles.resultTitle}>
        Enrollment token “{created.name}” created
      </h3>
      <p className={`inline-warning ${styles.warning}`} role="note">
        <strong>This is the only time the token is shown.</strong>
        Copy it (or the gather.yaml below) now: it cannot be retrieved later. If it is lost, create another. It expires{' '}
        {formatDateTime(created.expiresAt)} unless an agent enrolls with it first.
      </p>

      <div className="field">
        <label htmlFor={`${id}-token`}>Enrollment token</label>
        <div className={styles.value}>
          <input
            id={`${id}-token`}
            type="text"
            readOnly
            value={created.token}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
          />
          <CopyButton text={created.token} label="Copy token" className="button button-primary" />
        </div>
      </div>

      <div className="field">
        <label htmlFor={`${id}-fingerprint`}>CA fingerprint (sha256)</label>
        <div className={styles.value}>
          <input
            id={`${id}-fingerprint`}
            type="text"
            readOnly
            value={created.caFingerprint}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
            aria-describedby={`${id}-fingerprint-hint`}
          />
          <CopyButton text={created.caFingerprint} label="Copy fingerprint" />
        </div>
        <p id={`${id}-fingerprint-hint`} className="hint">
          The agent pins the engine&apos;s certificate authority with it on its first contact.
        </p>
      </div>

      <div className={`field ${styles.port}`}>
        <label htmlFor={`${id}-port`}>Gather listener port</label>
        <input
          id={`${id}-port`}
          type="number"
          min={1}
          max={65535}
          inputMode="numeric"
          value={portText}
          onChange={(e) => setPortText(e.target.value)}
          aria-invalid={!validPort || undefined}
          aria-describedby={`${id}-port-hint`}
        />
        <p id={`${id}-port-hint`} className="hint">
          {validPort
            ? `Agents connect to ${gatherEngineUrl(host, port)}: the port of the engine's --gather-addr (8443 unless changed), and a host among its --gather-hostnames.`
            : 'A port is a whole number from 1 to 65535.'}
        </p>
      </div>

      <div>
        <div className={styles.codeHeader}>
          <span id={`${id}-yaml`} className={styles.codeLabel}>
            gather.yaml
          </span>
          <CopyButton text={yaml} label="Copy gather.yaml" />
        </div>
        <pre className={styles.code} tabIndex={0} aria-labelledby={`${id}-yaml`}>
          {yaml}
        </pre>
      </div>

      <details className={styles.details}>
        <summary>CA certificate (PEM), for agents configured with engine.ca_file</summary>
        <div className={styles.codeHeader}>
          <span id={`${id}-ca`} className={styles.codeLabel}>
            ca.pem
          </span>
          <CopyButton text={created.caCertificate} label="Copy CA certificate" />
        </div>
        <pre className={styles.code} tabIndex={0} aria-labelledby={`${id}-ca`}>
          {created.caCertificate}
        </pre>
      </details>

      <div className={styles.actions}>
        <button type="button" className="button button-primary" onClick={onDone}>
          Done — forget the token
        </button>
      </div>
    </div>
  );
}
