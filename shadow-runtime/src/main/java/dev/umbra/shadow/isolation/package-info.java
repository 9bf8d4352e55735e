/**
 * The shadow isolating itself: with {@code --cpu}/{@code --memory} ({@code cpu}/{@code memory}
 * in the config) {@link dev.umbra.shadow.isolation.SelfIsolation} moves the shadow process into a
 * cgroup of its own ({@code umbra-shadow-<pid>}, v1 or v2 as detected) with those limits, so that
 * it cannot starve the primaries it serves, and removes that cgroup on exit. Runs on the thread
 * that starts and stops the shadow ({@code umbra serve}'s main thread or its shutdown hook).
 */
package dev.umbra.shadow.isolation;
