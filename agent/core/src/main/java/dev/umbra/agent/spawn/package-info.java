/**
 * {@code shadow=spawn}: starting {@code umbra serve} as a separate, detached process when no
 * shadow answers on a loopback address. {@link dev.umbra.agent.spawn.ShadowSpawner} runs on its
 * own {@code umbra-spawn} thread, asked by the transport; {@link dev.umbra.agent.spawn.ShadowJar}
 * finds the shadow jar; {@link dev.umbra.agent.spawn.SpawnCommand} builds the command line.
 */
package dev.umbra.agent.spawn;
