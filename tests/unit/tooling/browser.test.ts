/**
 * Which browser the browser tests and benches drive (tests/e2e/support/browser.ts), on a teacher's
 * Linux, Mac or Windows laptop: the search order over an injected environment, platform, file
 * system and Playwright registry. No browser is launched.
 */
import { describe, expect, it } from 'vitest';
import { BrowserNotFoundError, browserCandidates, findBrowser, type BrowserSearchHost } from '../../e2e/support/browser';

const PW_LINUX = '/home/t/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
const PW_MAC = '/Users/t/Library/Caches/ms-playwright/chromium-1255/chrome-mac/Chromium.app/Contents/MacOS/Chromium';
const PW_WIN = 'C:\\Users\\t\\AppData\\Local\\ms-playwright\\chromium-1255\\chrome-win\\chrome.exe';

/** A machine holding exactly `files`; Playwright's Chromium would live at `pw` (downloaded or not). */
function host(o: { platform: NodeJS.Platform; files: string[]; env?: Record<string, string | undefined>; pw?: string }): BrowserSearchHost {
  const files = new Set(o.files);
  return { platform: o.platform, env: o.env ?? {}, isFile: (f) => files.has(f), playwrightChromium: () => o.pw };
}

describe('findBrowser: the search order', () => {
  it.each([
    {
      story: 'TABCHAIN_CHROMIUM wins over everything, even an installed Chrome and Playwright\'s Chromium',
      machine: { platform: 'linux' as const, env: { TABCHAIN_CHROMIUM: '/opt/my/chrome', CHROME_PATH: '/usr/bin/google-chrome', PATH: '/usr/bin' }, files: ['/opt/my/chrome', PW_LINUX, '/usr/bin/chromium', '/usr/bin/google-chrome'], pw: PW_LINUX },
      want: { path: '/opt/my/chrome', source: 'env' },
    },
    {
      story: 'CHROME_PATH when TABCHAIN_CHROMIUM is not set',
      machine: { platform: 'linux' as const, env: { CHROME_PATH: '/usr/bin/google-chrome' }, files: [PW_LINUX, '/usr/bin/chromium', '/usr/bin/google-chrome'], pw: PW_LINUX },
      want: { path: '/usr/bin/google-chrome', source: 'env' },
    },
    {
      story: 'a quoted Windows path in the override (pasted from Explorer)',
      machine: { platform: 'win32' as const, env: { TABCHAIN_CHROMIUM: '"C:\\Chrome\\chrome.exe"' }, files: ['C:\\Chrome\\chrome.exe'] },
      want: { path: 'C:\\Chrome\\chrome.exe', source: 'env' },
    },
    {
      story: 'Playwright\'s own Chromium (npx playwright install chromium) before the system one',
      machine: { platform: 'linux' as const, files: [PW_LINUX, '/usr/bin/chromium'], pw: PW_LINUX },
      want: { path: PW_LINUX, source: 'playwright' },
    },
    {
      story: 'Debian\'s /usr/bin/chromium when Playwright has not downloaded its browser (this machine)',
      machine: { platform: 'linux' as const, env: { PATH: '/usr/local/bin:/usr/bin' }, files: ['/usr/bin/chromium'], pw: PW_LINUX },
      want: { path: '/usr/bin/chromium', source: 'installed' },
    },
    {
      story: 'Google Chrome from its .deb (/usr/bin/google-chrome) on Ubuntu',
      machine: { platform: 'linux' as const, files: ['/usr/bin/google-chrome'], pw: PW_LINUX },
      want: { path: '/usr/bin/google-chrome', source: 'installed' },
    },
    {
      story: 'a chromium found only on PATH (a home-made install)',
      machine: { platform: 'linux' as const, env: { PATH: '/home/t/bin:/usr/bin' }, files: ['/home/t/bin/chromium'], pw: PW_LINUX },
      want: { path: '/home/t/bin/chromium', source: 'PATH' },
    },
    {
      story: 'a teacher\'s Mac with Google Chrome in /Applications',
      machine: { platform: 'darwin' as const, env: { HOME: '/Users/t' }, files: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'], pw: PW_MAC },
      want: { path: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', source: 'installed' },
    },
    {
      story: 'a Mac with Chromium dragged into ~/Applications',
      machine: { platform: 'darwin' as const, env: { HOME: '/Users/t' }, files: ['/Users/t/Applications/Chromium.app/Contents/MacOS/Chromium'], pw: PW_MAC },
      want: { path: '/Users/t/Applications/Chromium.app/Contents/MacOS/Chromium', source: 'installed' },
    },
    {
      story: 'a Mac where Playwright downloaded Chromium and Chrome is installed too',
      machine: { platform: 'darwin' as const, files: [PW_MAC, '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'], pw: PW_MAC },
      want: { path: PW_MAC, source: 'playwright' },
    },
    {
      story: 'a Windows laptop with Chrome under %PROGRAMFILES%',
      machine: {
        platform: 'win32' as const,
        env: { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\t\\AppData\\Local' },
        files: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'],
        pw: PW_WIN,
      },
      want: { path: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', source: 'installed' },
    },
    {
      story: 'a Windows laptop with Chrome installed for one user (%LOCALAPPDATA%)',
      machine: { platform: 'win32' as const, env: { PROGRAMFILES: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\t\\AppData\\Local' }, files: ['C:\\Users\\t\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe'], pw: PW_WIN },
      want: { path: 'C:\\Users\\t\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe', source: 'installed' },
    },
    {
      story: 'a Windows laptop with only Edge (every Windows 10/11 has it)',
      machine: { platform: 'win32' as const, env: { 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' }, files: ['C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'], pw: PW_WIN },
      want: { path: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', source: 'installed' },
    },
    {
      story: 'Windows PATH (spelt Path) with PATHEXT',
      machine: { platform: 'win32' as const, env: { Path: 'C:\\tools;C:\\Windows', PATHEXT: '.COM;.EXE' }, files: ['C:\\tools\\chromium.exe'], pw: PW_WIN },
      want: { path: 'C:\\tools\\chromium.exe', source: 'PATH' },
    },
  ])('$story', ({ machine, want }) => {
    expect(findBrowser(host(machine))).toEqual(want);
  });

  it('looks at Playwright, then install paths, then PATH, in that order', () => {
    const sources = browserCandidates(host({ platform: 'linux', env: { PATH: '/usr/bin' }, files: [], pw: PW_LINUX })).map((c) => c.source);
    const firstOf = (s: string) => sources.indexOf(s as never);
    expect(sources[0]).toBe('playwright');
    expect(firstOf('playwright')).toBeLessThan(firstOf('installed'));
    expect(sources.lastIndexOf('installed')).toBeLessThan(firstOf('PATH'));
  });

  it('works when Playwright has no build for this platform (no registry path)', () => {
    expect(findBrowser(host({ platform: 'linux', files: ['/usr/bin/chromium-browser'] }))).toEqual({ path: '/usr/bin/chromium-browser', source: 'installed' });
  });
});

describe('findBrowser: nothing found fails at once, saying what to run', () => {
  it('a fresh Linux machine: names npx playwright install chromium, apt-get install chromium and TABCHAIN_CHROMIUM', () => {
    const err = (() => {
      try {
        findBrowser(host({ platform: 'linux', env: { PATH: '/usr/bin:/bin' }, files: [], pw: PW_LINUX }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BrowserNotFoundError);
    const msg = (err as Error).message;
    expect(msg).toContain('npx playwright install chromium');
    expect(msg).toContain('apt-get install -y chromium');
    expect(msg).toContain('TABCHAIN_CHROMIUM');
    expect((err as BrowserNotFoundError).looked).toContain('/usr/bin/chromium');
    expect((err as BrowserNotFoundError).looked).toContain(PW_LINUX);
  });

  it('a fresh Windows laptop: names the Playwright download, not apt-get', () => {
    expect(() => findBrowser(host({ platform: 'win32', env: { PROGRAMFILES: 'C:\\Program Files' }, files: [], pw: PW_WIN }))).toThrow(/npx playwright install chromium/);
    expect(() => findBrowser(host({ platform: 'win32', files: [], pw: PW_WIN }))).not.toThrow(/apt-get/);
  });

  it('an override naming a missing file is an error, never replaced by another browser', () => {
    const machine = host({ platform: 'linux', env: { TABCHAIN_CHROMIUM: '/opt/typo/chrome' }, files: ['/usr/bin/chromium'], pw: PW_LINUX });
    expect(() => findBrowser(machine)).toThrow(/TABCHAIN_CHROMIUM=\/opt\/typo\/chrome: no such file/);
  });
});
