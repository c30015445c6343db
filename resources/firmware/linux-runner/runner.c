/* The model's benchmark on a Linux board: runs every embedded test sample once to check it against the studio's
 * integer reference and its label, then times inferences and prints one JSON line:
 *   {"event": "summary", "samples": N, "identical": I, "correct": C, "latency_ns_p50": A, "latency_ns_p90": B,
 *    "latency_ns_p99": D, "timings": T, "batch": K, "peak_rss_bytes": R, "arena_bytes": S}
 * A single inference of a tiny model takes less than the clock's own overhead, so each timing is a batch of K runs
 * divided by K, K chosen so that a batch lasts at least 200 microseconds; T timings cycle through the samples. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "tf_model.h"
#include "tf_test_vectors.h"

#define TIMINGS 301

static int8_t output[TF_MODEL_OUTPUT_SIZE];

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t time_batch(int sample, uint32_t runs) {
    const uint64_t start = now_ns();
    for (uint32_t r = 0; r < runs; ++r) tf_model_run(tf_test_inputs[sample], output);
    return now_ns() - start;
}

static int compare_u64(const void *a, const void *b) {
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    static uint64_t timings[TIMINGS];
    uint32_t identical = 0, correct = 0, batch = 1;
    for (int s = 0; s < TF_TEST_COUNT; ++s) {
        int same = 1, best = 0;
        tf_model_run(tf_test_inputs[s], output);
        for (int k = 0; k < TF_MODEL_OUTPUT_SIZE; ++k) {
            if (output[k] != tf_test_expected[s][k]) same = 0;
            if (output[k] > output[best]) best = k;
        }
        identical += (uint32_t)same;
        correct += (uint32_t)(best == tf_test_labels[s]);
    }
    while (batch < (1u << 24) && time_batch(0, batch) < 200000u) batch *= 2;
    for (int t = 0; t < TIMINGS; ++t) timings[t] = time_batch(t % TF_TEST_COUNT, batch) / batch;
    qsort(timings, TIMINGS, sizeof timings[0], compare_u64);

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("{\"event\": \"summary\", \"samples\": %d, \"identical\": %u, \"correct\": %u, \"latency_ns_p50\": %llu, "
           "\"latency_ns_p90\": %llu, \"latency_ns_p99\": %llu, \"timings\": %d, \"batch\": %u, \"peak_rss_bytes\": %llu, "
           "\"arena_bytes\": %d}\n",
           TF_TEST_COUNT, identical, correct, (unsigned long long)timings[TIMINGS / 2],
           (unsigned long long)timings[TIMINGS * 9 / 10], (unsigned long long)timings[TIMINGS * 99 / 100], TIMINGS, batch,
           (unsigned long long)usage.ru_maxrss * 1024u, (int)TF_MODEL_ARENA_BYTES);
    return identical == TF_TEST_COUNT ? 0 : 1;
}
