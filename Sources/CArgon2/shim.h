#ifndef USHER_CARGON2_SHIM_H
#define USHER_CARGON2_SHIM_H
#include <argon2.h>
#endif
