#pragma once

#include "core/error.h"

namespace tinyforge {

/// A board, its description, a transport or a connected device failed; the message names which and where.
class DeviceError : public Error {
public:
    using Error::Error;
};

}  // namespace tinyforge
