import { useSignal } from '@preact/signals';
import { fileSize, playable, previewed, type FileRef } from '@threadline/sdk/agent';

/** An attachment: decrypted on demand; images preview, audio plays, other files download. */
export function FileView({ file, open }: { file: FileRef; open: (file: FileRef) => Promise<Blob> }) {
  const url = useSignal<string | null>(null);
  const error = useSignal('');
  const image = previewed(file.type);
  const audio = playable(file.type);

  async function load() {
    try {
      url.value = URL.createObjectURL(await open(file));
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
    }
  }

  if (url.value) {
    if (audio) return <audio class="audio" src={url.value} controls autoplay aria-label={file.name} />;
    return image ? (
      <img class="preview" src={url.value} alt={file.name} />
    ) : (
      <a class="file" href={url.value} download={file.name}>
        Save {file.name}
      </a>
    );
  }
  return (
    <p class="file">
      <button type="button" onClick={load}>
        {image ? 'Show' : audio ? 'Play' : 'Open'} {file.name}
      </button>{' '}
      <span class="meta">{fileSize(file.size)}</span>
      {error.value && <span class="error"> {error.value}</span>}
    </p>
  );
}
