/**
 * The shadow's configuration: one immutable {@link dev.umbra.shadow.config.ShadowConfig}, built
 * once at start-up by {@link dev.umbra.shadow.config.ConfigParser} from flags, {@code UMBRA_*}
 * variables and a config file. Runs on the main thread only.
 */
package dev.umbra.shadow.config;
