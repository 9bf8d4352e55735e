/**
 * The learned forecaster: an LSTM (Deeplearning4j, CPU backend) that reads one feature vector
 * per block of samples (the block's peak, mean, minimum and last value and the peak one day
 * earlier, all divided by the series' running scale, plus time of day and coverage) and emits
 * quantiles of the peak over the next horizon, trained with the pinball loss.
 *
 * <h2>Training (reusable: the shadow's background trainer and the fleet trainer)</h2>
 *
 * <pre>{@code
 * NativeThreads.limit(1);                                   // once, before the first network
 * TrainingPlan plan = TrainingPlan.live(horizon, levels, SeriesProfile.ofCanonical(series).floor());
 * ModelKey key = ModelKey.of(workload, series, horizon);    // one model per workload and target
 * LstmModelStore store = new LstmModelStore(dir);
 * LstmModel next = new WorkloadTrainer(plan, seed).train(
 *     runs,                     // List<SampleRun>: each run (primary) of the workload, e.g. SampleRun.fromGrid(...)
 *     store.loadLatest(key),    // previous version: fine-tuned (incremental) when present
 *     store.nextVersion(key),   // versions increase per key
 *     trainedUntil,             // newest sample used
 *     () -> cancelled);         // polled before every minibatch: CancellationException
 * byte[] bytes = LstmModelStore.toBytes(next);              // what to ship (e.g. Kafka umbra.models.v1)
 * store.saveBytes(key, next.version(), bytes);              // or store.save(key, next); atomic
 * LstmModel back = LstmModelStore.fromBytes(bytes);         // on the receiving side
 * }</pre>
 *
 * {@link dev.umbra.shadow.forecast.lstm.WorkloadTrainer} is synchronous and shares nothing: the
 * caller chooses the thread (the shadow's {@code ModelTraining} runs it on one nice-19 thread).
 * {@link dev.umbra.shadow.forecast.lstm.NativeThreads} bounds ND4J/OpenMP/BLAS threads and caps
 * javacpp's off-heap memory. {@link dev.umbra.shadow.forecast.lstm.LstmModelStore} keeps versions
 * per key under {@code <root>/<workload>/<target>/lstm-v<N>.model}; {@code loadLatest} skips an
 * unreadable version for the previous one.
 *
 * <h2>Inference</h2>
 *
 * Stateful, one {@code rnnTimeStep} per closed block. Live: {@link
 * dev.umbra.shadow.forecast.lstm.LstmBank} steps the blocks of every primary that closed one in
 * the same second in one minibatch, each primary keeping its own {@link
 * dev.umbra.shadow.forecast.lstm.LstmBank.State}. Backtest: {@link
 * dev.umbra.shadow.forecast.lstm.LstmForecaster} owns a network copy per series. Both are
 * confined to one thread.
 */
package dev.umbra.shadow.forecast.lstm;
