import { helpers } from 'wechaty-puppet';
import type { PuppetInterface } from 'wechaty-puppet/impls';

type PuppetNpmName = Parameters<typeof helpers.resolvePuppet>[0]['puppet'] & string;

/**
 * Builds the puppet named by configuration (an npm package such as wechaty-puppet-service),
 * the way Wechaty's own PuppetManager does: import the package and construct its default export.
 */
export async function loadPuppet(name: string, token: string | undefined): Promise<PuppetInterface> {
  if (!/^(@[a-z0-9-]+\/)?wechaty-puppet-[a-z0-9-]+$/.test(name)) throw new Error(`not a Wechaty puppet package name: ${name}`);
  return helpers.resolvePuppet({ puppet: name as PuppetNpmName, puppetOptions: token === undefined ? {} : { token } });
}
