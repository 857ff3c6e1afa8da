#ifndef REWIRE_CLIBXML2_SHIM_H
#define REWIRE_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/*
 * Debian builds libxml2 with ICU support, and its headers then include ICU's, whose
 * UErrorCode clashes with the ICU that Foundation carries ("'U_MF_...' is not present in
 * definition of 'enum UErrorCode'"). It shows only on a clean build. rewire never uses
 * libxml2's ICU encoders (documents are converted to UTF-8 before parsing), so the
 * declarations are not needed.
 */
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#endif
