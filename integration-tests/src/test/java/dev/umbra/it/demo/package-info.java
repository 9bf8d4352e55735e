/**
 * {@code umbra demo} end to end: the real shaded jar runs the demo (a shadow, the demo primary
 * under the supervisor in a cgroup with the resource manager, a fault and its rollback), and the
 * tests check the facts of its summary and that nothing is left behind.
 */
package dev.umbra.it.demo;
