/**
 * The learned forecaster: an LSTM (Deeplearning4j, CPU backend) that reads one feature vector
 * per block of samples (the block's peak, mean, minimum and last value and the peak one day
 * earlier, all divided by the series' running scale, plus time of day and coverage) and emits
 * quantiles of the peak over the next horizon, trained with the pinball loss. Inference is
 * stateful ({@code rnnTimeStep}, one step per block); each {@link
 * dev.umbra.shadow.forecast.lstm.LstmForecaster} owns its network copy and is confined to one
 * thread. Training runs wherever the caller puts it ({@link
 * dev.umbra.shadow.forecast.lstm.LstmTrainer} is synchronous); {@link
 * dev.umbra.shadow.forecast.lstm.NativeThreads} bounds ND4J/OpenMP threads. Models are saved
 * per workload and series, versioned, by {@link dev.umbra.shadow.forecast.lstm.LstmModelStore}.
 */
package dev.umbra.shadow.forecast.lstm;
