#include "app/cli.h"

int main(int argc, char** argv) { return pantau::RunCli(argc, argv); }
