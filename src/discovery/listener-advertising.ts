/**
 * Ties an advertisement to a listener's lifecycle, for `createListener({ advertise })`: start
 * when the listener is ready, send goodbyes when it is cancelled or fails, and report a name
 * conflict to the listener (which then fails with NAME_CONFLICT).
 */
import type { Identity } from '../identity/identity.js';
import type { LocalTlsError } from '../errors.js';
import { advertise, type Advertisement, type AdvertiseOptions } from './advertise.js';

/** What {@link advertiseListener} needs from a listener. */
export interface AdvertisableListener {
  readonly port: number;
  readonly state: string;
  on(event: 'state', listener: (state: string) => void): unknown;
}

/** The handle returned by {@link advertiseListener}. */
export interface ListenerAdvertising {
  /** The advertisement once the listener is ready (undefined before). */
  readonly advertisement: Advertisement | undefined;
  /** Stops advertising (goodbye packets); idempotent. */
  stop(): Promise<void>;
}

/**
 * Advertises `listener` while it is `ready`: starts on 'ready', stops on 'cancelled'/'failed'.
 * Host-name conflicts are reported through `onConflict` (the listener should fail with it);
 * warnings (the certificate lacks the host name) through `onWarning` (default: process warning).
 *
 * @example
 * ```ts
 * const ads = advertiseListener(listener, identity, { service: { type: '_orders._tcp', name: 'Front Desk' } }, (err) => fail(err));
 * // later
 * await ads.stop();
 * ```
 */
export function advertiseListener(listener: AdvertisableListener, identity: Identity, options: AdvertiseOptions, onConflict: (error: LocalTlsError) => void, onWarning?: (warning: LocalTlsError) => void): ListenerAdvertising {
  let ad: Advertisement | undefined;
  let stopped = false;
  const startNow = (): void => {
    if (ad || stopped) return;
    ad = advertise({ port: listener.port, identity }, options);
    ad.on('conflict', onConflict);
    if (onWarning) ad.on('warning', onWarning);
  };
  const handle: ListenerAdvertising = {
    get advertisement() { return ad; },
    async stop() {
      stopped = true;
      await ad?.stop();
    },
  };
  listener.on('state', (state) => {
    if (state === 'ready') startNow();
    else if (state === 'cancelled' || state === 'failed') void handle.stop();
  });
  if (listener.state === 'ready') startNow();
  return handle;
}
