/* Runs the embedded test vectors through the exported model on the (emulated) Cortex-M4 and reports how many
 * outputs are identical to the studio's integer reference. Output: "samples N identical I correct C". */
#include "semihost.h"
#include "tf_model.h"
#include "tf_test_vectors.h"

static int8_t output[TF_MODEL_OUTPUT_SIZE];

int main(void) {
    uint32_t s, identical = 0, correct = 0;
    for (s = 0; s < TF_TEST_COUNT; ++s) {
        int k, same = 1, best = 0;
        tf_model_run(tf_test_inputs[s], output);
        for (k = 0; k < TF_MODEL_OUTPUT_SIZE; ++k) {
            if (output[k] != tf_test_expected[s][k]) same = 0;
            if (output[k] > output[best]) best = k;
        }
        identical += (uint32_t)same;
        correct += (uint32_t)(best == tf_test_labels[s]);
    }
    semihost_write("samples ");
    semihost_write_uint(TF_TEST_COUNT);
    semihost_write(" identical ");
    semihost_write_uint(identical);
    semihost_write(" correct ");
    semihost_write_uint(correct);
    semihost_write("\n");
    return identical == TF_TEST_COUNT ? 0 : 1;
}
