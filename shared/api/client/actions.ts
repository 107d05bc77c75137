/** What a person can do about a failure, by its stable code: the same advice in the desktop app and the page. */
export function suggestedAction(code: string): string {
  switch (code) {
    case 'FILE_TOO_LARGE':
      return 'This file is over the upload limit. Compress or split it, or raise MAX_FILE_SIZE on the server.';
    case 'UNSUPPORTED_FILE_TYPE':
    case 'TYPE_MISMATCH':
      return 'Trove reads common images, videos, audio, PDF, DOCX and text files. Convert the file to one of those.';
    case 'EMPTY_FILE':
      return 'The file is empty. Check that it finished saving, then add it again.';
    case 'CORRUPT_FILE':
      return 'The file seems damaged. Open it on your computer to check it, re-export it, then add it again.';
    case 'IMAGE_TOO_LARGE':
      return 'The image has too many pixels. Resize it, then add it again.';
    case 'PDF_ENCRYPTED':
      return 'The PDF is password-protected. Save a copy without a password, then add that.';
    case 'MEDIA_TOO_LONG':
      return 'The recording is longer than Trove processes. Trim it, then add it again.';
    case 'UNAUTHORIZED':
      return 'The server no longer accepts this sign-in or token. Sign in again (or reconnect with the link "trove serve" prints), then retry.';
    case 'NETWORK_ERROR':
    case 'SERVER_UNREACHABLE':
      return 'Trove could not be reached. Check that the server is running, then retry.';
    case 'FILE_MISSING':
      return 'Check that the file still exists, then retry.';
    case 'LOCAL_FILE':
      return 'Check that the file can be opened on this computer (permissions), then retry.';
    case 'CANCELLED':
      return 'The upload was deleted while it was processed. Add the file again to keep it.';
    case 'INSUFFICIENT_STORAGE':
      return 'The disk holding Trove\u2019s data is full. Free some space, then retry.';
    case 'RATE_LIMITED':
      return 'Too many requests at once. Wait a minute, then retry.';
    case 'PROCESSING_TIMEOUT':
      return 'Processing took too long. Retry; if it keeps failing, the file may be too large to analyse.';
    case 'MODEL_UNAVAILABLE':
      return 'The analysis model is not available right now. Retry in a moment.';
    case 'UPLOAD_INCOMPLETE':
      return 'The upload was cut off. Retry.';
    case 'PROVIDER_RATE_LIMITED':
      return 'The analysis service is over its quota. Trove retries on its own; if it still fails, retry later.';
    case 'PROVIDER_REJECTED':
      return 'The analysis service refused this file (its content or format). It stays searchable by name; convert or replace it to try again.';
    case 'PROVIDER_MISCONFIGURED':
      return 'The server\u2019s analysis service is not set up correctly (key or model). Ask its administrator to check the settings.';
    case 'ACCOUNT_SUSPENDED':
      return 'This account is suspended. Contact the administrator of this Trove server.';
    case 'SERVICE_UNAVAILABLE':
      return 'A storage or database service is briefly unavailable. Nothing was lost; retry in a moment.';
    case 'SERVICE_STARTING':
      return 'Trove is still starting. It retries on its own; nothing to do.';
    default:
      return 'Retry. If it keeps failing, check the server log.';
  }
}
