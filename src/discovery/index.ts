/**
 * Local names: resolve `.local` names by multicast DNS, advertise listeners, browse services.
 * mDNS answers only say where to dial; the certificate is always checked against the dialled
 * name (see docs/discovery.md).
 *
 * @example
 * ```ts
 * import { resolveLocal, advertise, browse, lookup } from 'localtls';
 * ```
 * @packageDocumentation
 */
export { isLocalName, parseServiceType, type ParsedServiceType } from './local-name.js';
export { MdnsCache, type CachedRecord, type CachedType } from './record-cache.js';
export { resolveLocal, type ResolveLocalOptions, type LocalAddress } from './resolve.js';
export { createLookup, lookup, type LookupFunction, type LookupOptions, type LookupCallback, type LookupAddress } from './lookup.js';
export { advertise, checkAdvertiseOptions, Advertisement, type AdvertiseOptions, type AdvertiseTarget, type AdvertisedService, type AdvertisementState } from './advertise.js';
export { browse, Browser, parseTxt, type BrowseOptions, type DiscoveredService } from './browse.js';
export { createResolver, localResolver } from './resolver.js';
export { isDiscoveredService, servicePinVerifier, serviceConnectArgs } from './service-endpoint.js';
export { advertiseListener, type AdvertisableListener, type ListenerAdvertising } from './listener-advertising.js';
