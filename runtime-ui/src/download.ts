// Downloads a file the server answers (report exports, generated documents): fetched first, so
// a refusal is a message rather than a JSON page, with the bytes counted as they arrive so a
// long export shows progress, then saved under the server's file name.
import { ApiError } from './api.js';

export function fileNameOf(disposition: string | null, fallback: string): string {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1];
  if (encoded) return decodeURIComponent(encoded);
  return /filename="([^"]+)"/i.exec(disposition ?? '')?.[1] ?? fallback;
}

export interface Progress {
  received: number;
  /** From Content-Length; unknown for a streamed export. */
  total?: number | undefined;
}

export async function download(url: string, fallbackName: string, onProgress?: (p: Progress) => void): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { 'x-requested-with': 'cardo' } });
  } catch {
    throw new ApiError({ status: 0, title: 'Network error', detail: 'The server cannot be reached.' });
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new ApiError({ ...problem, status: response.status });
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress?.({ received, total });
    }
  }
  const blob = new Blob(chunks as BlobPart[], { type: response.headers.get('content-type') ?? 'application/octet-stream' });
  const name = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  return name;
}
