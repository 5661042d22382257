#include <stdio.h>

int main(void) {
    printf("Hello from Kiln!\n");
    return 0;
}
