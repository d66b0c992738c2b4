/** Attachments on the main thread: upload with progress, download (the file reference is `file-ref.ts`). */
import { randomId } from './crypto/encoding.ts';
import { ProtocolError } from './errors.ts';
import { call, type CryptoWorker } from './worker-client.ts';
import { playable, previewed, type FileRef } from './file-ref.ts';

/** Uploads ciphertext with progress (XMLHttpRequest: fetch cannot report upload progress). */
function uploadBlob(url: URL, token: string, body: Uint8Array<ArrayBuffer>, onProgress?: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress?.(event.loaded / event.total);
    xhr.onloadend = () => {
      const { status } = xhr;
      if (status === 200) return resolve();
      const [code, reason, hint] = status === 413 ? ['too_large', 'it is over the relay’s size limit', 'Send a smaller file.'] : [`http_${status}`, status ? `the relay answered HTTP ${status}` : 'the relay is unreachable', 'Try again.'];
      reject(new ProtocolError(code, 'send the file', reason, hint));
    };
    xhr.send(body);
  });
}

async function downloadBlob(url: URL, token: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (!response?.ok) throw new ProtocolError(`http_${response?.status ?? 0}`, 'open the file', 'the relay does not have it (any more)', 'Ask for the file again.');
  return new Uint8Array(await response.arrayBuffer());
}

const blobUrl = (relay: URL, conversationId: string, blob: string) => new URL(`/v1/conversations/${conversationId}/blobs/${blob}`, relay);

/** Encrypts a file in the worker and uploads the ciphertext; returns what the message carries. */
export async function sendFile(worker: CryptoWorker, relay: URL, conversationId: string, token: string, file: Blob & { name?: string }, onProgress?: (fraction: number) => void): Promise<FileRef> {
  const sealed = await worker.sealFile(new Uint8Array(await file.arrayBuffer()));
  const blob = randomId();
  await uploadBlob(blobUrl(relay, conversationId, blob), token, sealed.ciphertext, onProgress);
  return { blob, name: file.name ?? 'file', type: file.type || 'application/octet-stream', size: file.size, key: sealed.key, hash: sealed.hash };
}

/**
 * Downloads an attachment and decrypts it in the worker. The sender chose its type: a `text/html`
 * Blob opened from this page's origin would run as this page, so only previewed and playable types are kept.
 */
export async function openFile(worker: CryptoWorker, relay: URL, conversationId: string, token: string, file: FileRef): Promise<Blob> {
  const ciphertext = await downloadBlob(blobUrl(relay, conversationId, file.blob), token);
  return new Blob([await call('decrypt the file', worker.openFile(ciphertext, file.key, file.hash))], { type: previewed(file.type) || playable(file.type) ? file.type : 'application/octet-stream' });
}
