/**
 * What the shadow does about an anomaly (docs/anomalies.md, "Acting on anomalies"): the {@link
 * dev.umbra.shadow.action.ActionPolicy} (rules, budgets, cooldown; pure) and the {@link
 * dev.umbra.shadow.action.Responder} that carries it out through ports for rollback, scaling and the
 * audit, the same for {@code umbra serve --act}, {@code umbra run} and {@code umbra demo}. The
 * responder runs on the thread that publishes anomalies (the detector's); actions complete on the
 * ports' threads.
 */
package dev.umbra.shadow.action;
