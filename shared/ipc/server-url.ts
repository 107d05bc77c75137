/**
 * Which cloud server addresses the desktop app accepts. Over plain http:// anyone on the network
 * path could read the files and sign-in tokens, or serve a page that drives the app (the window
 * loads its UI from the server), so http:// is allowed for this computer only. Runtime-neutral:
 * main checks it when settings change, the renderer before it sends them.
 */

export interface ServerUrlProblem {
  code: 'INVALID_SERVER_URL' | 'INSECURE_SERVER_URL';
  message: string;
}

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves this computer. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** null when the address may be used; otherwise a stable code and a message a person can act on. */
export function checkServerUrl(value: string): ServerUrlProblem | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { code: 'INVALID_SERVER_URL', message: `"${value}" is not a web address. Enter the server's address, such as https://trove.example.com.` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return { code: 'INVALID_SERVER_URL', message: 'The server address must start with https://, such as https://trove.example.com.' };
  }
  if (u.username !== '' || u.password !== '') {
    return { code: 'INVALID_SERVER_URL', message: 'Leave the user name and password out of the server address; you sign in on the next screen.' };
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return {
      code: 'INSECURE_SERVER_URL',
      message: `Use https:// for a server on another computer (https://${u.host}${u.pathname === '/' ? '' : u.pathname}). Over http:// anyone on the network could read your files and your sign-in. http:// is accepted only for this computer (localhost, 127.0.0.1).`,
    };
  }
  return null;
}
