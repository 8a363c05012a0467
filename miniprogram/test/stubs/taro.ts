/**
 * A small @tarojs/taro for jsdom: storage over localStorage, navigation recorded (and readable
 * by tests), router params settable by tests, page-lifecycle hooks run on mount.
 */
import { useEffect } from 'react';

export interface Navigation {
  kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack';
  url?: string;
}

export const navigations: Navigation[] = [];
let routerParams: Record<string, string | undefined> = {};
export const clipboard: { text: string | null } = { text: null };
/** Files a weapp page may read by path (the avatar chooser's temporary file), as base64. */
export const weappFiles = new Map<string, string>();
export const modalAnswer: { confirm: boolean; asked: string[] } = { confirm: true, asked: [] };

export function setRouterParams(params: Record<string, string | undefined>): void {
  routerParams = params;
}

export function resetTaroStub(): void {
  navigations.length = 0;
  routerParams = {};
  clipboard.text = null;
  modalAnswer.confirm = true;
  modalAnswer.asked = [];
  weappFiles.clear();
}

function readJson(key: string): unknown {
  const text = localStorage.getItem(key);
  if (text === null) return '';
  try {
    return JSON.parse(text);
  } catch {
    return '';
  }
}

const Taro = {
  getStorageSync: (key: string): unknown => readJson(key),
  setStorageSync: (key: string, value: unknown): void => localStorage.setItem(key, JSON.stringify(value)),
  removeStorageSync: (key: string): void => localStorage.removeItem(key),
  navigateTo: async ({ url }: { url: string }) => void navigations.push({ kind: 'navigateTo', url }),
  redirectTo: async ({ url }: { url: string }) => void navigations.push({ kind: 'redirectTo', url }),
  reLaunch: async ({ url }: { url: string }) => void navigations.push({ kind: 'reLaunch', url }),
  navigateBack: async () => void navigations.push({ kind: 'navigateBack' }),
  setClipboardData: async ({ data }: { data: string }) => {
    clipboard.text = data;
  },
  showToast: async () => undefined,
  /** Answers every confirmation with `modalAnswer.confirm` (tests set it); records the question. */
  showModal: async ({ content }: { content?: string }) => {
    modalAnswer.asked.push(content ?? '');
    return { confirm: modalAnswer.confirm, cancel: !modalAnswer.confirm };
  },
  setNavigationBarTitle: async ({ title }: { title: string }) => {
    document.title = title;
  },
  getCurrentPages: () => [{}],
  getFileSystemManager: () => ({
    readFile: ({ filePath, success, fail }: { filePath: string; success?: (result: { data: string }) => void; fail?: (error: Error) => void }) => {
      const data = weappFiles.get(filePath);
      if (data === undefined) fail?.(new Error(`no such file ${filePath}`));
      else success?.({ data });
    },
  }),
  request: async (): Promise<never> => {
    throw new Error('Taro.request is not available in component tests: give the page a fake ApiClient');
  },
};

export function useRouter(): { params: Record<string, string | undefined>; path: string } {
  return { params: routerParams, path: '' };
}

export function useDidShow(callback: () => void): void {
  // Runs once on mount: a page in a test is shown once.
  useEffect(callback, []);
}

export function useShareAppMessage(): void {}

export default Taro;

export function usePageNotFound(): void {}
