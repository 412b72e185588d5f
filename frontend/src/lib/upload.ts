/** Uploads to S3 through a presigned URL, with progress, and the SHA-256 S3 checks the body against. */

/** The bytes' SHA-256 as lower-case hex (Web Crypto: secure contexts, which localhost and HTTPS are). */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** PUT the file to the presigned URL with exactly the signed headers, reporting progress (0..1). */
export function putWithProgress(url: string, headers: Record<string, string>, file: Blob, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new Error(`The storage refused the upload (${request.status}).`));
      }
    };
    request.onerror = () => reject(new Error('The upload did not reach the storage. Check the connection and try again.'));
    request.send(file);
  });
}
