/** The resource manager's experiment: a real primary in its own cgroup under three provisioning policies. */
package dev.umbra.it.manager;
