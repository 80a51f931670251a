// Sign-in screens: staff with email + password, guardians with phone + one-time code.
import { api, ApiError, auth, type Who } from './api';
import { h, show } from './dom';
import { translator, type Lang } from './i18n';

const zh = {
  staffTitle: '工作人员登录',
  guardianTitle: '家长登录',
  email: '邮箱',
  password: '密码',
  signIn: '登录',
  phone: '手机号',
  sendCode: '发送验证码',
  code: '验证码',
  codeSent: '验证码已发送，请查看短信。',
  wrongLogin: '邮箱或密码不对，请再试一次。',
  wrongCode: '验证码不对或已过期，请再试一次。',
  tooMany: '尝试次数太多，请稍后再试。',
  network: '网络不好，请稍后再试。',
  badPhone: '请输入手机号，例如 +8613912345678。',
};
const en: typeof zh = {
  staffTitle: 'Staff sign-in',
  guardianTitle: 'Parent sign-in',
  email: 'Email',
  password: 'Password',
  signIn: 'Sign in',
  phone: 'Phone number',
  sendCode: 'Send code',
  code: 'Code',
  codeSent: 'We sent you a code by text message.',
  wrongLogin: 'That email or password is not right. Please try again.',
  wrongCode: 'That code is wrong or expired. Please try again.',
  tooMany: 'Too many tries. Please wait a little.',
  network: 'The network is weak. Please try again soon.',
  badPhone: 'Enter your phone number, e.g. +8613912345678.',
};

interface StaffLogin {
  accessToken: string;
  user: { id: string; role: string; displayName: string; hubIds: string[] };
}
interface GuardianLogin {
  accessToken: string;
  guardian: { id: string; displayName: string };
}

/** Shows the staff sign-in form; resolves once signed in. */
export function staffSignIn(lang: Lang): Promise<Who> {
  const t = translator(zh, en, lang);
  return new Promise((done) => {
    const message = h('p', { class: 'message', role: 'alert', id: 'signin-message' });
    const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true, inputmode: 'email' });
    const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const form = h(
      'form',
      {
        class: 'card stack',
        id: 'staff-signin',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          message.textContent = '';
          try {
            const result = await api<StaffLogin>('POST', '/auth/login', { email: email.value.trim(), password: password.value });
            const who: Who = { type: 'user', ...result.user };
            auth.save(result.accessToken, who);
            done(who);
          } catch (error) {
            message.textContent = explain(error, t('wrongLogin'), t);
          }
        },
      },
      h('h1', {}, t('staffTitle')),
      h('label', { for: 'email' }, t('email')),
      email,
      h('label', { for: 'password' }, t('password')),
      password,
      h('button', { type: 'submit', class: 'primary big' }, t('signIn')),
      message,
    );
    show(form);
    email.focus();
  });
}

/** Shows the guardian's phone + code sign-in; resolves once signed in. */
export function guardianSignIn(lang: Lang): Promise<Who> {
  const t = translator(zh, en, lang);
  return new Promise((done) => {
    const message = h('p', { class: 'message', role: 'alert', id: 'signin-message' });
    const phone = h('input', { id: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel', placeholder: '+86…', required: true });
    const code = h('input', { id: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 8, required: true });
    const codeStep = h('div', { class: 'stack', hidden: true }, h('label', { for: 'code' }, t('code')), code, h('button', { type: 'submit', class: 'primary big', id: 'verify' }, t('signIn')));
    const send = h('button', { type: 'button', class: 'big', id: 'send-code' }, t('sendCode'));
    const normalisedPhone = () => {
      const raw = phone.value.replace(/[\s-]/g, '');
      return raw.startsWith('+') ? raw : /^1\d{10}$/.test(raw) ? `+86${raw}` : raw;
    };
    send.addEventListener('click', async () => {
      message.textContent = '';
      if (!/^\+\d{6,15}$/.test(normalisedPhone())) {
        message.textContent = t('badPhone');
        return;
      }
      try {
        await api('POST', '/auth/otp/request', { phone: normalisedPhone() });
        message.textContent = t('codeSent');
        codeStep.hidden = false;
        code.focus();
      } catch (error) {
        message.textContent = explain(error, t('badPhone'), t);
      }
    });
    const form = h(
      'form',
      {
        class: 'card stack',
        id: 'guardian-signin',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          if (codeStep.hidden) return send.click();
          message.textContent = '';
          try {
            const result = await api<GuardianLogin>('POST', '/auth/otp/verify', { phone: normalisedPhone(), code: code.value.trim() });
            const who: Who = { type: 'guardian', role: 'guardian', id: result.guardian.id, displayName: result.guardian.displayName };
            auth.save(result.accessToken, who);
            done(who);
          } catch (error) {
            message.textContent = explain(error, t('wrongCode'), t);
          }
        },
      },
      h('h1', {}, t('guardianTitle')),
      h('label', { for: 'phone' }, t('phone')),
      phone,
      send,
      codeStep,
      message,
    );
    show(form);
    phone.focus();
  });
}

function explain(error: unknown, fallback: string, t: (key: 'tooMany' | 'network') => string): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return t('tooMany');
    if (error.status === 0) return t('network');
  }
  return fallback;
}
