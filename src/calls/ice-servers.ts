import { createHmac } from 'node:crypto';

/** One RTCIceServer as the browser's RTCPeerConnection takes it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret?: string;
}

/**
 * Credentials of the TURN REST API scheme that coturn checks with `use-auth-secret`:
 * username `<expiry unix seconds>:<user>`, password base64(HMAC-SHA1(secret, username)).
 * The TURN server refuses the username once its expiry has passed.
 */
export function turnCredentials(secret: string, user: string, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${Math.floor(expiresAtSeconds)}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** STUN entries as configured, then one TURN entry with credentials for this participant (when TURN is configured). */
export function iceServersFor(config: IceConfig, participantId: string, expiresAtSeconds: number): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length > 0 && config.turnSecret) {
    servers.push({ urls: [...config.turnUrls], ...turnCredentials(config.turnSecret, participantId, expiresAtSeconds) });
  }
  return servers;
}
