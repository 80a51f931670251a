import { iceServersFor, turnCredentials } from './ice-servers';

describe('TURN REST API credentials', () => {
  // Expected value computed independently:
  //   printf '%s' '1790000000:6f1c2d3e-0000-4000-8000-000000000001' | openssl dgst -sha1 -hmac 'north-wind-turn-secret' -binary | base64
  it('matches a vector computed with openssl', () => {
    expect(turnCredentials('north-wind-turn-secret', '6f1c2d3e-0000-4000-8000-000000000001', 1_790_000_000)).toEqual({
      username: '1790000000:6f1c2d3e-0000-4000-8000-000000000001',
      credential: 'iEsAIiP9bh60qBGlO7UA0ZWZ+7Q=',
    });
  });

  it('uses whole seconds for the expiry', () => {
    expect(turnCredentials('s', 'u', 1_790_000_000.9).username).toBe('1790000000:u');
  });
});

describe('iceServersFor', () => {
  const config = { stunUrls: ['stun:stun.example.org:3478'], turnUrls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], turnSecret: 'north-wind-turn-secret' };

  it('lists STUN as configured and TURN with per-participant credentials', () => {
    expect(iceServersFor(config, '6f1c2d3e-0000-4000-8000-000000000001', 1_790_000_000)).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
      {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        username: '1790000000:6f1c2d3e-0000-4000-8000-000000000001',
        credential: 'iEsAIiP9bh60qBGlO7UA0ZWZ+7Q=',
      },
    ]);
  });

  it('is empty without configuration (host candidates only), and has no TURN entry without a secret', () => {
    expect(iceServersFor({ stunUrls: [], turnUrls: [] }, 'p', 1)).toEqual([]);
    expect(iceServersFor({ stunUrls: [], turnUrls: ['turn:x'] }, 'p', 1)).toEqual([]);
  });
});
