/** `localtls enroll`: the device enrollment page, its server, the Apple profile and QR codes. */
export { startEnrollServer, type EnrollServer, type EnrollServerOptions } from './enroll-server.js';
export { renderEnrollPage, fingerprintGroups, type EnrollPageOptions } from './enroll-page.js';
export { rootMobileconfig, profileIdentifier, type MobileconfigOptions } from './mobileconfig.js';
export { qrSvg, terminalQr, type TerminalQrOptions } from './qr.js';
