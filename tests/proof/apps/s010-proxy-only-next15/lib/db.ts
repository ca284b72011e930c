// A stand-in for the app's database client (same call shape as Prisma's).
const invoices = [{ id: "inv_1", customer: "ACME", total: 4200, note: "PRIVATE-INVOICE-DATA" }];

export const db = {
  invoice: {
    async findMany() {
      return invoices;
    },
  },
};
