import { useState } from 'react';

/** A read-only value (a link) with a Copy button that says when it worked. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState<'' | 'yes' | 'no'>('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // Clipboard access can be refused (an insecure origin, a policy): the field is selectable by hand.
      setCopied('no');
    }
  }
  return (
    <div className="copy-field">
      <input aria-label={label} readOnly value={value} onFocus={(e) => e.target.select()} />
      <button type="button" onClick={copy}>
        Copy
      </button>
      <span role="status" className="note">
        {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Select the link and copy it' : ''}
      </span>
    </div>
  );
}
