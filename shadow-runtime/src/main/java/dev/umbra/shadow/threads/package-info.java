/**
 * The shadow's threads: {@link dev.umbra.shadow.threads.ShadowThreads} makes every one of them,
 * named by role. A leaf: it depends on nothing else of the shadow, so every part can use it.
 */
package dev.umbra.shadow.threads;
