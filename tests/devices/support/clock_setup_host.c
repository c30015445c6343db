/* The firmware's clock set-up interpreter built for the host, its register reads and writes routed to the test's
 * model of the clock controller (tests/devices/clock_setup_test.cpp). */
#include <stdint.h>

uint32_t tf_test_register_read(uint32_t address);
void tf_test_register_write(uint32_t address, uint32_t value);

#define TF_CLOCK_READ(address) tf_test_register_read(address)
#define TF_CLOCK_STORE(address, value) tf_test_register_write(address, value)
#include "clock_setup.c"
