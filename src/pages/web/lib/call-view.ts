// The video stage and controls shared by the guardian's page and the hub's supervisor panel.
import type { CallClient } from './call-client';
import { h } from './dom';

export interface CallViewText {
  mute: string;
  unmute: string;
  cameraOff: string;
  cameraOn: string;
  waitingVideo: string;
}

export interface CallView {
  element: HTMLElement;
  stage: HTMLElement;
  controls: HTMLElement;
  setLocal(stream: MediaStream | null): void;
  setRemote(participantId: string, stream: MediaStream | null): void;
}

export function callView(client: CallClient, text: CallViewText, extra: HTMLElement[] = []): CallView {
  const self = h('video', { class: 'self', autoplay: true, playsinline: true, id: 'local-video' });
  self.muted = true;
  const remote = h('video', { class: 'remote', autoplay: true, playsinline: true, id: 'remote-video' });
  const hint = h('div', { class: 'hint' }, text.waitingVideo);
  const stage = h('div', { class: 'stage' }, remote, hint, self);
  let micOn = true;
  let camOn = true;
  const mic = h('button', { type: 'button', id: 'toggle-mic', 'aria-pressed': 'false' }, `🎙️ ${text.mute}`);
  mic.addEventListener('click', () => {
    micOn = !micOn;
    client.setMicrophone(micOn);
    mic.textContent = micOn ? `🎙️ ${text.mute}` : `🔇 ${text.unmute}`;
    mic.setAttribute('aria-pressed', String(!micOn));
  });
  const cam = h('button', { type: 'button', id: 'toggle-camera', 'aria-pressed': 'false' }, `📷 ${text.cameraOff}`);
  cam.addEventListener('click', () => {
    camOn = !camOn;
    client.setCamera(camOn);
    cam.textContent = camOn ? `📷 ${text.cameraOff}` : `🚫 ${text.cameraOn}`;
    cam.setAttribute('aria-pressed', String(!camOn));
  });
  const controls = h('div', { class: 'controls' }, mic, cam, ...extra);
  const remotes = new Map<string, MediaStream>();
  return {
    element: h('section', { class: 'call' }, stage, controls),
    stage,
    controls,
    setLocal(stream) {
      self.srcObject = stream;
      self.hidden = stream === null;
    },
    setRemote(participantId, stream) {
      if (stream) remotes.set(participantId, stream);
      else remotes.delete(participantId);
      // One large picture: the first other participant (mediated calls show the guardian first).
      const first = [...remotes.values()][0] ?? null;
      if (remote.srcObject !== first) remote.srcObject = first;
      hint.hidden = first !== null;
    },
  };
}
