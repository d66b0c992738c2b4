import { useSignal } from '@preact/signals';
import { qrSvgPath } from '@threadline/sdk/qr';

/** The 60-digit safety number shared with the visitor, in 12 groups and as a QR code. */
export function SafetyNumber({ load }: { load: () => Promise<string> }) {
  const number = useSignal<string | null>(null);
  const problem = useSignal('');
  if (!number.value) {
    return (
      <>
        <button type="button" onClick={() => void load().then((n) => (number.value = n), (error: Error) => (problem.value = error.message))}>
          Verify visitor
        </button>
        {problem.value && <span class="error" role="alert">{problem.value}</span>}
      </>
    );
  }
  const { d, size } = qrSvgPath(number.value);
  return (
    <details open class="safety">
      <summary>Safety number</summary>
      <p class="digits" aria-label="Safety number">
        {number.value.match(/\d{5}/g)!.join(' ')}
      </p>
      <svg viewBox={`0 0 ${size} ${size}`} width="132" height="132" role="img" aria-label="Safety number as a QR code">
        <rect width={size} height={size} fill="#fff" />
        <path d={d} fill="#000" />
      </svg>
      <p class="meta">Compare with the number in the visitor’s “Verify” screen.</p>
    </details>
  );
}
