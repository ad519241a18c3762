#include "trafficevent.h"
