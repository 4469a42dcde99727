import { detectLang, parseSmsCommand } from '../../../server/sms/commands';

describe('SMS commands', () => {
  it.each([
    ['CX', { type: 'status', code: null, lang: 'zh' }],
    ['cx', { type: 'status', code: null, lang: 'zh' }],
    ['ＣＸ', { type: 'status', code: null, lang: 'zh' }],
    ['查询', { type: 'status', code: null, lang: 'zh' }],
    ['status', { type: 'status', code: null, lang: 'en' }],
    ['CX 7K3M-Q2XD', { type: 'status', code: '7K3MQ2XD', lang: 'zh' }],
    ['查询：7k3mq2xd', { type: 'status', code: '7K3MQ2XD', lang: 'zh' }],
    ['STATUS 7K3M Q2XD', { type: 'status', code: '7K3MQ2XD', lang: 'en' }],
    ['1', { type: 'rating', value: 1 }],
    ['２', { type: 'rating', value: 2 }],
    [' 3 ', { type: 'rating', value: 3 }],
    ['STOP', { type: 'optout', lang: 'en' }],
    ['stopall', { type: 'optout', lang: 'en' }],
    ['Unsubscribe', { type: 'optout', lang: 'en' }],
    ['CANCEL', { type: 'optout', lang: 'en' }],
    ['end', { type: 'optout', lang: 'en' }],
    ['QUIT', { type: 'optout', lang: 'en' }],
    ['td', { type: 'optout', lang: 'zh' }],
    ['ＴＤ', { type: 'optout', lang: 'zh' }],
    ['退订', { type: 'optout', lang: 'zh' }],
    ['退订。', { type: 'optout', lang: 'zh' }],
    ['START', { type: 'optin', lang: 'en' }],
    ['unstop', { type: 'optin', lang: 'en' }],
    ['Yes', { type: 'optin', lang: 'en' }],
    ['HELP', { type: 'help', lang: 'en' }],
    ['info', { type: 'help', lang: 'en' }],
    ['帮助', { type: 'help', lang: 'zh' }],
    ['bz', { type: 'help', lang: 'zh' }],
  ])('reads %j as a command', (body, expected) => {
    expect(parseSmsCommand(body)).toEqual(expected);
  });

  it.each([
    ['please stop selling fake milk'],
    ['查询一下那家店为什么还在卖过期食品'],
    ['12'],
    ['CX ABC'],
    ['STOP IT'],
    [''],
    ['😡😡😡'],
  ])('treats %j as a message, not a command', (body) => {
    expect(parseSmsCommand(body)).toEqual({ type: 'message' });
  });

  it.each([
    ['超市卖过期牛奶', 'zh'],
    ['The elevator in my building is broken again', 'en'],
    ['ok', 'zh'],
    ['12345', 'zh'],
    ['Shop 卖假货', 'zh'],
    ['ＦＡＫＥ ｍｉｌｋ ｓｏｌｄ', 'en'],
  ])('detects the language of %j as %s', (body, lang) => {
    expect(detectLang(body)).toBe(lang);
  });
});
