/** The workload {@code umbra demo} runs as its primary: a separate JVM with the agent. */
package dev.umbra.shadow.demo;
