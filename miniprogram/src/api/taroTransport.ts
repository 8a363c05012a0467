import Taro from '@tarojs/taro';
import type { HttpTransport } from './client';

/** A request that has not answered in this long is a network failure to the person waiting. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** HttpTransport over Taro.request: fetch on H5, wx.request on weapp. */
export const taroTransport: HttpTransport = async (request) => {
  const response = await Taro.request({
    url: request.url,
    method: request.method,
    header: request.headers,
    data: request.body,
    // 'text' keeps the body as it came (a CSV); anything else is parsed as JSON.
    dataType: request.responseType === 'text' ? 'text' : 'json',
    timeout: REQUEST_TIMEOUT_MS,
  });
  return { status: response.statusCode, body: response.data };
};
