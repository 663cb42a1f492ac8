// A copy-ready block: the text and a button that copies it.
import { useState } from "preact/hooks";

/** Shows `text` in a <pre> with a Copy button labelled by `label`. */
export function CopyBlock({ label, text }: { label: string; text: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard (plain http): the text stays selectable.
    }
  };
  return (
    <div class="snippet">
      <div class="toolbar">
        <strong>{label}</strong>
        <button type="button" onClick={copy} aria-label={`Copy ${label}`}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre aria-label={label} tabIndex={0}>
        {text}
      </pre>
    </div>
  );
}
