/** `localtls trust install-system|uninstall-system`: the root in this machine's trust store. */
export { installSystemTrust, uninstallSystemTrust, formatSystemTrustPlan, type SystemTrustOptions, type SystemTrustPlan } from './system-trust.js';
export { detectSystemTrustPlatform, SYSTEM_TRUST_PLATFORMS, type SystemTrustPlatform } from './detect.js';
export { buildSystemTrustSteps, trustFileStem, type SystemTrustStep } from './steps.js';
